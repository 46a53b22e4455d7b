//! The customer directory: a full sync of every simulator customer (beside listing the same
//! pages straight from the simulator), and search as you type (beside the same SQL run
//! directly).

use std::time::{Duration, Instant};

use app::services::directory::DETAIL_CONCURRENCY;
use futures::stream::{self, StreamExt};
use sendgrid::ProfileQuery;

use super::{poll, World, SIM_KEY};
use crate::console::upstream;
use crate::load::sequential;
use crate::report::Report;
use crate::BenchError;

/// What an operator types, one key at a time.
const TYPED: [&str; 4] = ["anna muller", "grace chen", "northwind", "jose garcia"];

pub async fn measure(world: &World, report: &mut Report) -> Result<(), BenchError> {
    sync(world, report).await?;
    search(world, report).await
}

async fn sync(world: &World, report: &mut Report) -> Result<(), BenchError> {
    let calls_before = world.sim_call_count().await?;
    let started = Instant::now();
    world.admin.call("refresh_directory", &[]).await?;
    poll(Duration::from_secs(600), || async {
        let status = world.admin.call("directory_status", &[]).await?;
        Ok(status["running"].is_null().then_some(status))
    })
    .await?;
    let took = started.elapsed();
    let calls = world.sim_call_count().await? - calls_before;
    let customers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(&world.direct)
        .await?;
    if customers < world.scale.customers as i64 {
        return Err(BenchError::Setup(format!(
            "the sync stored {customers} customers of {}",
            world.scale.customers
        )));
    }

    let listed = Instant::now();
    let (usernames, accounts) = list_directly(world).await?;
    let listing = listed.elapsed();
    report.add(
        &format!("directory full sync, {customers} customers"),
        took.as_secs_f64(),
        "s",
        "listing the same pages straight from the simulator",
        listing.as_secs_f64(),
    );
    let replayed = Instant::now();
    read_details_directly(world, usernames, accounts).await?;
    let same_calls = listing + replayed.elapsed();
    report.add(
        &format!("directory full sync, {customers} customers, vs its calls"),
        took.as_secs_f64(),
        "s",
        "the pages and the per-customer reads (API.md §4.1: a profile has no package) straight to the simulator, as many at a time as the sync",
        same_calls.as_secs_f64(),
    );
    report.note(
        "directory sync, upstream calls",
        calls as f64,
        "calls",
        "(pages plus one read per customer without a package)",
    );
    Ok(())
}

/// Every v2 profile page and v3 account page, as the sync walks them; the usernames and
/// account ids they list.
async fn list_directly(world: &World) -> Result<(Vec<String>, Vec<String>), BenchError> {
    let client = upstream(&world.sim.url, SIM_KEY)?;
    let (mut usernames, mut accounts) = (Vec::new(), Vec::new());
    let mut offset = 0;
    loop {
        let query = ProfileQuery {
            limit: Some(100),
            offset: Some(offset),
            ..Default::default()
        };
        let page = client.list_profiles(&query).await?;
        let last = page.len() < 100;
        usernames.extend(page.into_iter().map(|profile| profile.username));
        if last {
            break;
        }
        offset += 100;
    }
    let mut cursor: Option<String> = None;
    loop {
        let page = client.list_accounts(cursor.as_deref(), 100).await?;
        let full = page.accounts.len() >= 100;
        accounts.extend(page.accounts.into_iter().map(|account| account.id));
        match page.last {
            Some(last) if full => cursor = Some(last),
            _ => break,
        }
    }
    Ok((usernames, accounts))
}

/// The per-customer reads of a full sync, in its order and with its concurrency: each v2
/// customer's overview, each v3 account's state, the offerings of each account without a
/// username (the ones the sync stored as v3-only). Answers are not looked at.
async fn read_details_directly(
    world: &World,
    usernames: Vec<String>,
    accounts: Vec<String>,
) -> Result<(), BenchError> {
    let client = upstream(&world.sim.url, SIM_KEY)?;
    let client = &client;
    let v3_only: Vec<String> = sqlx::query_scalar(
        "SELECT account_id FROM customers WHERE username IS NULL AND account_id IS NOT NULL",
    )
    .fetch_all(&world.direct)
    .await?;
    stream::iter(usernames)
        .map(|user| async move { drop(client.overview(&user).await) })
        .buffered(DETAIL_CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    stream::iter(accounts)
        .map(|id| async move { drop(client.get_account_state(&id).await) })
        .buffered(DETAIL_CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    stream::iter(v3_only)
        .map(|id| async move { drop(client.get_account_offerings(&id).await) })
        .buffered(DETAIL_CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    Ok(())
}

/// Every prefix of the typed texts, as the search box sends them.
fn keystrokes() -> Vec<String> {
    TYPED
        .iter()
        .flat_map(|text| {
            (1..=text.len())
                .map(|n| text[..n].trim().to_string())
                .filter(|q| !q.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn search(world: &World, report: &mut Report) -> Result<(), BenchError> {
    let typed = keystrokes();
    let rounds = 3;
    let n = typed.len() * rounds;
    let console = sequential(n, |i| {
        let q = typed[i % typed.len()].clone();
        async move {
            world
                .admin
                .call(
                    "search_customers",
                    &[
                        ("query[q]", q.as_str()),
                        ("query[package]", ""),
                        ("query[state]", ""),
                        ("query[sort]", "Name"),
                        ("query[descending]", "false"),
                        ("query[page]", "1"),
                    ],
                )
                .await
                .map(drop)
        }
    })
    .await?;
    let direct = sequential(n, |i| {
        let q = typed[i % typed.len()].clone();
        async move { direct_search(world, &q).await }
    })
    .await?;
    for p in [50.0, 99.0] {
        report.add(
            &format!("directory search as you type, p{p:.0}"),
            console.ms(p),
            "ms",
            "the same SQL through sqlx directly",
            direct.ms(p),
        );
    }
    Ok(())
}

type Row = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// The console's search (app/src/services/directory/search.rs): count, then one page.
async fn direct_search(world: &World, typed: &str) -> Result<(), BenchError> {
    let expression = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ");
    let filter = " WHERE 1 = 1 AND id IN (SELECT rowid FROM customers_search WHERE customers_search MATCH ?)";
    let _: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM customers{filter}"))
        .bind(&expression)
        .fetch_one(&world.direct)
        .await?;
    let _rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT key, username, account_id, linkage, name, company, email, package, state FROM customers{filter} ORDER BY name COLLATE NOCASE ASC, id ASC LIMIT 50 OFFSET 0"
    ))
    .bind(&expression)
    .fetch_all(&world.direct)
    .await?;
    Ok(())
}
