use std::collections::HashMap;

use super::*;

fn query(pairs: &[(&str, &str)]) -> DirectoryQuery {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    DirectoryQuery::from_params(|name| map.get(name).cloned())
}

#[test]
fn a_bare_url_is_the_default_query() {
    assert_eq!(
        query(&[]),
        DirectoryQuery {
            page: 1,
            ..Default::default()
        }
    );
    assert_eq!(query(&[]).href(), "/customers");
}

#[test]
fn unreadable_parameters_fall_back_to_defaults() {
    let q = query(&[("sort", "password"), ("page", "-3"), ("dir", "sideways")]);
    assert_eq!(q.sort, SortColumn::Name);
    assert_eq!(q.page, 1);
    assert!(!q.descending);
}

#[test]
fn href_round_trips_and_encodes_values() {
    let q = query(&[
        ("q", "Zoë & <b>"),
        ("package", "Silver Package"),
        ("sort", "email"),
        ("dir", "desc"),
        ("page", "3"),
    ]);
    let href = q.href();
    assert_eq!(
        href,
        "/customers?q=Zo%C3%AB%20%26%20%3Cb%3E&package=Silver%20Package&sort=email&dir=desc&page=3"
    );
}

#[test]
fn sorting_toggles_direction_and_resets_the_page() {
    let q = query(&[("page", "4")]);
    let by_name = q.sorted_by(SortColumn::Name);
    assert!(by_name.descending);
    assert_eq!(by_name.page, 1);
    assert!(!by_name.sorted_by(SortColumn::Name).descending);
    assert!(!by_name.sorted_by(SortColumn::Email).descending);
}

#[test]
fn progress_lines_round_trip() {
    let progress = SyncProgress {
        phase: SyncPhase::Details,
        pages: 3,
        accounts: 210,
        details_done: 40,
        details_total: 400,
    };
    assert_eq!(SyncProgress::from_line(&progress.to_line()), Some(progress));
    assert_eq!(progress.fraction(), Some((40, 400)));
    assert_eq!(SyncProgress::from_line("nonsense"), None);
    assert_eq!(SyncProgress::starting().fraction(), None);
}

#[test]
fn a_failure_after_the_last_success_is_reported() {
    let mut status = SyncStatus {
        last_success_at: Some("2026-11-23T10:00:00Z".into()),
        ..Default::default()
    };
    assert!(!status.failed_last());
    status.last_failure_at = Some("2026-11-23T10:10:00Z".into());
    assert!(status.failed_last());
    status.last_success_at = Some("2026-11-23T10:20:00Z".into());
    assert!(!status.failed_last());
}

#[test]
fn v3_only_rows_show_their_email_as_the_name() {
    let row = CustomerRow {
        key: "sg0123".into(),
        username: None,
        account_id: Some("sg0123".into()),
        name: " ".into(),
        company: String::new(),
        email: "v3-only-1@example.io".into(),
        package: None,
        state: None,
        linkage: Linkage::V3Only,
    };
    assert_eq!(row.display_name(), "v3-only-1@example.io");
    assert_eq!(
        format_utc("2026-11-23T10:04:05.123Z"),
        "2026-11-23 10:04 UTC"
    );
}
