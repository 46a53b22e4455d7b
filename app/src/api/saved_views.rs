//! Saved views of the directory and the audit log: each operator keeps their own, of the
//! screens their role reads, and pins some to the home page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::change::ChangeError;
use crate::domain::saved_view::{PinnedView, SavedView, ViewField};

/// What saving did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewSaved {
    pub view: SavedView,
    /// A view of that name existed and now has this filter.
    pub replaced: bool,
}

/// The operator's views of one screen (`customers` or `audit`).
#[server(endpoint = "list_saved_views")]
pub async fn list_saved_views(screen: String) -> Result<Vec<SavedView>, ApiError> {
    use crate::domain::saved_view::ViewScreen;
    use crate::domain::Permission;
    use crate::services::saved_views;

    super::require(Permission::ReadCustomers)?;
    let screen = ViewScreen::parse(&screen).ok_or_else(|| {
        super::fail(ApiError::Invalid(
            "Views are of the Customers or the Audit log screen.".into(),
        ))
    })?;
    let me = super::require(screen.permission())?;
    let state = super::app_state()?;
    Ok(saved_views::list(&state.pool, me.id, Some(screen)).await?)
}

/// Keeps the screen's filter (`query`, its query string) under `name`; the same name again
/// gives that view the new filter. `pinned` present (a ticked box) shows it on the home page.
#[server(endpoint = "save_view")]
pub async fn save_view(
    screen: String,
    name: String,
    query: String,
    pinned: Option<String>,
) -> Result<ViewSaved, ChangeError<ViewField>> {
    use super::change::with_status;
    use crate::domain::saved_view::ViewDraft;
    use crate::domain::Permission;
    use crate::services::outcome;
    use crate::services::saved_views::{self, SaveRefused};

    // Signed in before the form is read; then the screen's own permission.
    super::require(Permission::ReadCustomers)?;
    let draft = ViewDraft::from_form(&screen, &name, &query, pinned.is_some())
        .map_err(|errors| with_status(ChangeError::Invalid(errors)))?;
    let me = super::require(draft.screen.permission())?;
    let state = super::app_state()?;
    match saved_views::save(&state.pool, &me, &draft, super::client_ip()).await {
        Ok(saved) => Ok(ViewSaved {
            view: saved.view,
            replaced: saved.replaced,
        }),
        Err(SaveRefused::Invalid(errors)) => Err(with_status(ChangeError::Invalid(errors))),
        Err(SaveRefused::Database(error)) => Err(with_status(outcome::unavailable(error))),
    }
}

/// Pins one of the operator's views to the home page (`pinned` = `true`) or unpins it.
#[server(endpoint = "pin_view")]
pub async fn pin_view(id: i64, pinned: String) -> Result<SavedView, ApiError> {
    use crate::domain::Permission;
    use crate::services::saved_views;

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let pinned = match pinned.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(super::fail(ApiError::Invalid(
                "`pinned` is `true` or `false`.".into(),
            )))
        }
    };
    saved_views::set_pinned(&state.pool, &me, id, pinned, super::client_ip())
        .await?
        .ok_or_else(no_such_view)
}

/// Removes one of the operator's views (the screen and its data are untouched).
#[server(endpoint = "delete_view")]
pub async fn delete_view(id: i64) -> Result<SavedView, ApiError> {
    use crate::domain::Permission;
    use crate::services::saved_views;

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    saved_views::delete(&state.pool, &me, id, super::client_ip())
        .await?
        .ok_or_else(no_such_view)
}

/// The operator's pinned views with what each would list now, for the home page.
#[server(endpoint = "pinned_views")]
pub async fn pinned_views() -> Result<Vec<PinnedView>, ApiError> {
    use crate::domain::Permission;
    use crate::services::saved_views;

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    Ok(saved_views::pinned(&state.pool, &me).await?)
}

#[cfg(feature = "ssr")]
fn no_such_view() -> ApiError {
    super::fail(ApiError::NotFound(
        "You have no saved view with that id.".into(),
    ))
}
