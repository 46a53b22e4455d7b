use super::*;

fn customer(username: &str, email: &str) -> V2Entry {
    V2Entry {
        username: username.into(),
        email: email.into(),
        name: format!("Name of {username}"),
        company: "Acme".into(),
        active: true,
        package: Some("Basic Package".into()),
    }
}

fn account(id: &str, email: &str) -> V3Entry {
    V3Entry {
        account_id: id.into(),
        email: email.into(),
        created_at: "2026-01-01T00:00:00Z".into(),
        state: Some("activated".into()),
        package: Some("org.ei.free.v1".into()),
    }
}

fn linkage_of(merged: &[Merged], key: &str) -> (Linkage, Option<String>, Option<String>) {
    let entry = merged.iter().find(|m| m.key == key).expect(key);
    (
        entry.linkage,
        entry.username.clone(),
        entry.account_id.clone(),
    )
}

#[test]
fn joins_by_email_ignoring_case_and_lists_the_rest_alone() {
    let merged = merge(
        &[
            customer("anna", "Anna@Example.com"),
            customer("bob", "bob@example.com"),
        ],
        &[
            account("sg1", "anna@example.COM "),
            account("sg2", "carol@example.io"),
        ],
        &[],
    );
    assert_eq!(merged.len(), 3);
    assert_eq!(
        linkage_of(&merged, "anna"),
        (Linkage::Email, Some("anna".into()), Some("sg1".into()))
    );
    assert_eq!(
        linkage_of(&merged, "bob"),
        (Linkage::V2Only, Some("bob".into()), None)
    );
    assert_eq!(
        linkage_of(&merged, "sg2"),
        (Linkage::V3Only, None, Some("sg2".into()))
    );
}

#[test]
fn joined_entries_take_names_and_package_from_v2_and_state_from_v3() {
    let merged = merge(
        &[customer("anna", "a@x.io")],
        &[account("sg1", "A@X.IO")],
        &[],
    );
    let anna = &merged[0];
    assert_eq!(anna.name, "Name of anna");
    assert_eq!(anna.email, "a@x.io");
    assert_eq!(anna.package.as_deref(), Some("Basic Package"));
    assert_eq!(anna.state.as_deref(), Some("activated"));
    let v3_only = merge(&[], &[account("sg9", "z@x.io")], &[]);
    assert_eq!(v3_only[0].package.as_deref(), Some("org.ei.free.v1"));
    assert_eq!(v3_only[0].email, "z@x.io");
}

#[test]
fn v2_only_state_comes_from_the_active_flag() {
    let mut inactive = customer("ina", "i@x.io");
    inactive.active = false;
    let merged = merge(&[inactive], &[], &[]);
    assert_eq!(merged[0].state.as_deref(), Some("inactive"));
}

#[test]
fn ambiguous_emails_are_not_joined() {
    let merged = merge(
        &[customer("one", "same@x.io"), customer("two", "same@x.io")],
        &[account("sg1", "same@x.io")],
        &[],
    );
    assert!(merged.iter().all(|m| m.linkage != Linkage::Email));
    assert_eq!(merged.len(), 3);
}

#[test]
fn an_admin_link_wins_over_email_and_frees_the_email_partner() {
    let merged = merge(
        &[customer("anna", "anna@x.io"), customer("bob", "bob@x.io")],
        &[
            account("sg-anna", "anna@x.io"),
            account("sg-bob", "bob@x.io"),
        ],
        &[Decision {
            username: "anna".into(),
            account_id: "sg-bob".into(),
            link: true,
        }],
    );
    assert_eq!(
        linkage_of(&merged, "anna"),
        (Linkage::Manual, Some("anna".into()), Some("sg-bob".into()))
    );
    assert_eq!(
        linkage_of(&merged, "bob"),
        (Linkage::V2Only, Some("bob".into()), None)
    );
    assert_eq!(linkage_of(&merged, "sg-anna").0, Linkage::V3Only);
    assert_eq!(merged.len(), 3);
}

#[test]
fn a_separate_decision_keeps_an_email_pair_apart() {
    let merged = merge(
        &[customer("anna", "anna@x.io")],
        &[account("sg1", "anna@x.io")],
        &[Decision {
            username: "anna".into(),
            account_id: "sg1".into(),
            link: false,
        }],
    );
    assert_eq!(linkage_of(&merged, "anna").0, Linkage::V2Only);
    assert_eq!(linkage_of(&merged, "sg1").0, Linkage::V3Only);
}

#[test]
fn a_link_to_a_vanished_account_is_ignored() {
    let merged = merge(
        &[customer("anna", "anna@x.io")],
        &[account("sg1", "anna@x.io")],
        &[Decision {
            username: "anna".into(),
            account_id: "sg-gone".into(),
            link: true,
        }],
    );
    assert_eq!(linkage_of(&merged, "anna").0, Linkage::Email);
}

#[test]
fn empty_emails_never_join() {
    let merged = merge(&[customer("anna", "")], &[account("sg1", " ")], &[]);
    assert_eq!(merged.len(), 2);
}
