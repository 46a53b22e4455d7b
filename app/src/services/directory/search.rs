//! Directory search: FTS5 prefix matching on username, email, name and company, filters on
//! package and state, sorting by any column, pages of [`PAGE_SIZE`].

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::domain::directory::{
    CustomerRow, DirectoryFacets, DirectoryPage, DirectoryQuery, Linkage, SortColumn, PAGE_SIZE,
};

/// The FTS5 expression for what the operator typed: every word must match the start of a
/// word in some column ("anna ch" finds "Anna Chen"). Words are split on anything that is not
/// a letter or digit, so FTS5 syntax typed into the box is never interpreted.
pub fn match_expression(typed: &str) -> Option<String> {
    let words: Vec<String> = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The columns of a [`CustomerRow`], for the statements the search form builds.
const COLUMNS: &str = "key, username, account_id, linkage, name, company, email, package, state";

/// Appends the WHERE clause shared by the page and its count.
fn push_filters<'a>(builder: &mut QueryBuilder<'a, Sqlite>, query: &'a DirectoryQuery) {
    builder.push(" WHERE 1 = 1");
    if let Some(expression) = match_expression(&query.q) {
        builder
            .push(" AND id IN (SELECT rowid FROM customers_search WHERE customers_search MATCH ")
            .push_bind(expression)
            .push(")");
    }
    if !query.package.is_empty() {
        builder
            .push(" AND package = ")
            .push_bind(query.package.as_str());
    }
    if !query.state.is_empty() {
        builder
            .push(" AND state = ")
            .push_bind(query.state.as_str());
    }
}

fn order_column(column: SortColumn) -> &'static str {
    match column {
        // What `CustomerRow::display_name` shows (migration `directory_sort_name`).
        SortColumn::Name => "sort_name",
        SortColumn::Company => "company",
        SortColumn::Username => "username",
        SortColumn::Email => "email",
        SortColumn::Package => "package",
        SortColumn::State => "state",
    }
}

/// "Go to": customers whose username, account id or email is exactly `typed` (any case),
/// then those the directory search matches, at most `limit`, none twice.
pub async fn jump(
    pool: &SqlitePool,
    typed: &str,
    limit: u32,
) -> Result<Vec<CustomerRow>, sqlx::Error> {
    let mut exact =
        QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM customers WHERE username = "));
    exact
        .push_bind(typed)
        .push(" COLLATE NOCASE OR account_id = ")
        .push_bind(typed)
        .push(" OR email = ")
        .push_bind(typed)
        .push(" COLLATE NOCASE LIMIT ")
        .push_bind(i64::from(limit));
    let mut rows = exact
        .build_query_as::<CustomerRow>()
        .fetch_all(pool)
        .await?;
    if let Some(expression) = match_expression(typed) {
        let mut matched = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {COLUMNS} FROM customers WHERE id IN \
             (SELECT rowid FROM customers_search WHERE customers_search MATCH "
        ));
        matched
            .push_bind(expression)
            .push(") ORDER BY sort_name COLLATE NOCASE, id LIMIT ")
            .push_bind(i64::from(limit));
        for row in matched
            .build_query_as::<CustomerRow>()
            .fetch_all(pool)
            .await?
        {
            if !rows.iter().any(|kept| kept.key == row.key) {
                rows.push(row);
            }
        }
    }
    rows.truncate(limit as usize);
    Ok(rows)
}

/// How many customers the query's filters match (its sort and page aside).
pub async fn count(pool: &SqlitePool, query: &DirectoryQuery) -> Result<u64, sqlx::Error> {
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM customers");
    push_filters(&mut count, query);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    Ok(total.max(0) as u64)
}

pub async fn search(
    pool: &SqlitePool,
    query: &DirectoryQuery,
) -> Result<DirectoryPage, sqlx::Error> {
    let total = count(pool, query).await?;
    let pages = total.div_ceil(u64::from(PAGE_SIZE)).max(1) as u32;
    let page = query.page.clamp(1, pages);

    let direction = if query.descending { "DESC" } else { "ASC" };
    let mut select = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM customers"));
    push_filters(&mut select, query);
    // The column is one of a fixed set, never text from the request.
    select.push(format!(
        " ORDER BY {} COLLATE NOCASE {direction}, id {direction} LIMIT ",
        order_column(query.sort)
    ));
    select.push_bind(i64::from(PAGE_SIZE));
    select.push(" OFFSET ");
    select.push_bind(i64::from(page - 1) * i64::from(PAGE_SIZE));
    let rows = select
        .build_query_as::<CustomerRow>()
        .fetch_all(pool)
        .await?;

    Ok(DirectoryPage {
        rows,
        total,
        page,
        pages,
    })
}

/// Every customer the query's filters match (its sort and page aside), in name order, up to
/// `limit`; with the total count, so a caller can tell "more than `limit`".
pub async fn all_matching(
    pool: &SqlitePool,
    query: &DirectoryQuery,
    limit: u32,
) -> Result<(Vec<CustomerRow>, u64), sqlx::Error> {
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM customers");
    push_filters(&mut count, query);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut select = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM customers"));
    push_filters(&mut select, query);
    select.push(" ORDER BY sort_name COLLATE NOCASE, id LIMIT ");
    select.push_bind(i64::from(limit));
    let rows = select
        .build_query_as::<CustomerRow>()
        .fetch_all(pool)
        .await?;
    Ok((rows, total.max(0) as u64))
}

/// The packages and states in use, each in order, in one statement: for each column, a hop
/// from one value to the next along its `(column COLLATE NOCASE, id)` index, a dozen index
/// seeks instead of a `SELECT DISTINCT` over every customer (which cost more than the rest of
/// a `/customers` page at 10,000 customers). Values differing only in case count as one
/// (upstream names are fixed strings).
pub async fn facets(pool: &SqlitePool) -> Result<DirectoryFacets, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH RECURSIVE
             packages(value) AS (
                 SELECT (SELECT package FROM customers WHERE package IS NOT NULL
                         ORDER BY package COLLATE NOCASE LIMIT 1)
                 UNION ALL
                 SELECT (SELECT package FROM customers WHERE package > packages.value COLLATE NOCASE
                         ORDER BY package COLLATE NOCASE LIMIT 1)
                 FROM packages WHERE packages.value IS NOT NULL),
             states(value) AS (
                 SELECT (SELECT state FROM customers WHERE state IS NOT NULL
                         ORDER BY state COLLATE NOCASE LIMIT 1)
                 UNION ALL
                 SELECT (SELECT state FROM customers WHERE state > states.value COLLATE NOCASE
                         ORDER BY state COLLATE NOCASE LIMIT 1)
                 FROM states WHERE states.value IS NOT NULL)
           SELECT 'package' AS "facet!: String", value AS "value!: String"
             FROM packages WHERE value IS NOT NULL
           UNION ALL
           SELECT 'state', value FROM states WHERE value IS NOT NULL"#
    )
    .fetch_all(pool)
    .await?;
    let mut facets = DirectoryFacets::default();
    for row in rows {
        match row.facet.as_str() {
            "package" => facets.packages.push(row.value),
            _ => facets.states.push(row.value),
        }
    }
    Ok(facets)
}

/// The entry `/customers/:user` names: a username (any case) or an account id.
pub async fn find(
    pool: &SqlitePool,
    key: &str,
) -> Result<Option<(CustomerRow, String)>, sqlx::Error> {
    let found = sqlx::query!(
        "SELECT key, username, account_id, linkage, name, company, email, package, state,
             synced_at
         FROM customers
         WHERE key = ?1 OR username = ?1 COLLATE NOCASE OR account_id = ?1
         ORDER BY key = ?1 DESC LIMIT 1",
        key
    )
    .fetch_optional(pool)
    .await?;
    found
        .map(|row| {
            let linkage =
                Linkage::try_from(row.linkage).map_err(|why| sqlx::Error::ColumnDecode {
                    index: "linkage".to_string(),
                    source: why.into(),
                })?;
            let customer = CustomerRow {
                key: row.key,
                username: row.username,
                account_id: row.account_id,
                linkage,
                name: row.name,
                company: row.company,
                email: row.email,
                package: row.package,
                state: row.state,
            };
            Ok((customer, row.synced_at))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::match_expression;

    #[test]
    fn every_word_becomes_a_quoted_prefix() {
        assert_eq!(
            match_expression("anna ch").as_deref(),
            Some("\"anna\"* \"ch\"*")
        );
        assert_eq!(
            match_expression("anna.chen@ex").as_deref(),
            Some("\"anna\"* \"chen\"* \"ex\"*")
        );
        assert_eq!(match_expression("Zoë").as_deref(), Some("\"Zoë\"*"));
    }

    #[test]
    fn fts_syntax_is_never_passed_through() {
        assert_eq!(
            match_expression("a\" OR name:* NEAR(").as_deref(),
            Some("\"a\"* \"OR\"* \"name\"* \"NEAR\"*")
        );
        assert_eq!(match_expression("  -- '\" "), None);
    }
}
