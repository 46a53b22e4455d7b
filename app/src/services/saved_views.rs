//! Each operator's saved views (migration 20261207000002): kept, pinned and removed with the
//! audit event that records it in the same transaction, and counted live for the home page.

use chrono::{SecondsFormat, Utc};
use serde_json::json;
use sqlx::SqlitePool;

use super::audit::query::{count_up_to, Filter};
use super::audit::{append_in, NewEvent, Outcome};
use crate::domain::audit_filter::AuditFilter;
use crate::domain::change::FieldError;
use crate::domain::directory::DirectoryQuery;
use crate::domain::saved_view::{
    PinnedView, SavedView, ViewCount, ViewDraft, ViewField, ViewScreen, AUDIT_COUNT_CAP,
    VIEWS_PER_SCREEN,
};
use crate::domain::{AuditAction, OperatorView, QueryParams};
use crate::services::writer::{begin_write, WriteTx};

/// Why a view was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveRefused {
    #[error("{}", .0.first().map(|e| e.message.as_str()).unwrap_or_default())]
    Invalid(Vec<FieldError<ViewField>>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What saving did: a new view, or one of the same name given the new filter.
pub struct Saved {
    pub view: SavedView,
    pub replaced: bool,
}

struct Row {
    id: i64,
    screen: String,
    name: String,
    query: String,
    pinned: i64,
}

impl Row {
    fn view(self) -> Option<SavedView> {
        Some(SavedView {
            id: self.id,
            screen: ViewScreen::parse(&self.screen)?,
            name: self.name,
            query: self.query,
            pinned: self.pinned != 0,
        })
    }
}

/// The operator's views, of one screen or all, by screen then name.
pub async fn list(
    pool: &SqlitePool,
    operator_id: i64,
    screen: Option<ViewScreen>,
) -> Result<Vec<SavedView>, sqlx::Error> {
    let screen = screen.map(ViewScreen::as_str);
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!", screen, name, query, pinned FROM saved_views
           WHERE operator_id = ? AND (? IS NULL OR screen = ?)
           ORDER BY screen, name COLLATE NOCASE"#,
        operator_id,
        screen,
        screen
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter_map(Row::view).collect())
}

/// Keeps the view under its name; a view of the same screen and name takes the new filter.
pub async fn save(
    pool: &SqlitePool,
    by: &OperatorView,
    draft: &ViewDraft,
    client_ip: Option<String>,
) -> Result<Saved, SaveRefused> {
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let screen = draft.screen.as_str();
    let pinned = i64::from(draft.pinned);
    let mut tx = begin_write(pool).await?;
    let existing = sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM saved_views
           WHERE operator_id = ? AND screen = ? AND name = ?"#,
        by.id,
        screen,
        draft.name
    )
    .fetch_optional(&mut *tx)
    .await?;
    let id = match existing {
        Some(id) => {
            sqlx::query!(
                "UPDATE saved_views SET query = ?, pinned = ?, updated_at = ? WHERE id = ?",
                draft.query,
                pinned,
                now,
                id
            )
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            let kept = sqlx::query_scalar!(
                r#"SELECT COUNT(*) AS "n!: i64" FROM saved_views WHERE operator_id = ? AND screen = ?"#,
                by.id,
                screen
            )
            .fetch_one(&mut *tx)
            .await?;
            if kept >= VIEWS_PER_SCREEN {
                return Err(SaveRefused::Invalid(vec![FieldError::new(
                    ViewField::Name,
                    format!(
                        "You keep {kept} views of {} already; remove one, or save under the name of one to replace it.",
                        draft.screen.label()
                    ),
                )]));
            }
            sqlx::query_scalar!(
                r#"INSERT INTO saved_views (operator_id, screen, name, query, pinned, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
                by.id,
                screen,
                draft.name,
                draft.query,
                pinned,
                now,
                now
            )
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let view = SavedView {
        id,
        screen: draft.screen,
        name: draft.name.clone(),
        query: draft.query.clone(),
        pinned: draft.pinned,
    };
    record(&mut tx, AuditAction::ViewSave, by, &view, client_ip).await?;
    tx.commit().await?;
    Ok(Saved {
        view,
        replaced: existing.is_some(),
    })
}

/// Pins the operator's view to the home page, or unpins it; `None` when they have no such view.
pub async fn set_pinned(
    pool: &SqlitePool,
    by: &OperatorView,
    id: i64,
    pinned: bool,
    client_ip: Option<String>,
) -> Result<Option<SavedView>, sqlx::Error> {
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let flag = i64::from(pinned);
    let mut tx = begin_write(pool).await?;
    let row = sqlx::query_as!(
        Row,
        r#"UPDATE saved_views SET pinned = ?, updated_at = ? WHERE id = ? AND operator_id = ?
           RETURNING id AS "id!", screen, name, query, pinned"#,
        flag,
        now,
        id,
        by.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    commit_recorded(tx, row, AuditAction::ViewSave, by, client_ip).await
}

/// Removes the operator's view; `None` when they have no such view.
pub async fn delete(
    pool: &SqlitePool,
    by: &OperatorView,
    id: i64,
    client_ip: Option<String>,
) -> Result<Option<SavedView>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let row = sqlx::query_as!(
        Row,
        r#"DELETE FROM saved_views WHERE id = ? AND operator_id = ?
           RETURNING id AS "id!", screen, name, query, pinned"#,
        id,
        by.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    commit_recorded(tx, row, AuditAction::ViewDelete, by, client_ip).await
}

/// The operator's view the statement changed, recorded with `action` and committed; `None`
/// (nothing recorded, the transaction dropped) when they have no such view.
async fn commit_recorded(
    mut tx: WriteTx,
    row: Option<Row>,
    action: AuditAction,
    by: &OperatorView,
    client_ip: Option<String>,
) -> Result<Option<SavedView>, sqlx::Error> {
    let Some(view) = row.and_then(Row::view) else {
        return Ok(None);
    };
    record(&mut tx, action, by, &view, client_ip).await?;
    tx.commit().await?;
    Ok(Some(view))
}

async fn record(
    tx: &mut sqlx::SqliteConnection,
    action: AuditAction,
    by: &OperatorView,
    view: &SavedView,
    client_ip: Option<String>,
) -> Result<i64, sqlx::Error> {
    let event = NewEvent::event(
        action,
        Some(&by.email),
        Outcome::Success,
        json!({
            "view": view.id,
            "screen": view.screen.as_str(),
            "name": view.name,
            "query": view.query,
            "pinned": view.pinned,
        }),
    )
    .with_client_ip(client_ip);
    append_in(tx, event).await
}

/// The operator's pinned views of the screens their role reads, each with its count now.
pub async fn pinned(pool: &SqlitePool, by: &OperatorView) -> Result<Vec<PinnedView>, sqlx::Error> {
    let mut pinned = Vec::new();
    for view in list(pool, by.id, None).await? {
        if !view.pinned || !by.role.allows(view.screen.permission()) {
            continue;
        }
        let count = count(pool, &view).await?;
        pinned.push(PinnedView { view, count });
    }
    Ok(pinned)
}

/// What the view's screen would list now.
async fn count(pool: &SqlitePool, view: &SavedView) -> Result<ViewCount, sqlx::Error> {
    let params = QueryParams::parse(&view.query);
    let get = |name: &str| params.get(name);
    Ok(match view.screen {
        ViewScreen::Customers => ViewCount::Exactly(
            super::directory::count(pool, &DirectoryQuery::from_params(get)).await?,
        ),
        ViewScreen::Audit => match AuditFilter::parse(get) {
            Err(message) => ViewCount::Unreadable(message),
            Ok(filter) => {
                match count_up_to(pool, &Filter::from_audit(&filter), AUDIT_COUNT_CAP).await? {
                    Ok(n) => ViewCount::Exactly(n),
                    Err(cap) => ViewCount::MoreThan(cap),
                }
            }
        },
    })
}
