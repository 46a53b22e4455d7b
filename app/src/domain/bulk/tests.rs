use super::*;
use crate::domain::offerings::{OfferingKind, OfferingLine, WritableState};

fn line(name: &str, kind: OfferingKind, quantity: i64) -> OfferingLine {
    OfferingLine {
        name: name.into(),
        kind,
        quantity,
    }
}

fn current() -> Vec<OfferingLine> {
    vec![
        line("essentials_40k", OfferingKind::Package, 1),
        line("ip_addon", OfferingKind::Addon, 1),
        line("subusers_addon", OfferingKind::Addon, 3),
    ]
}

fn op(op: &str, name: &str, quantity: &str, credits: &str, state: &str) -> OperationForm {
    OperationForm {
        op: op.into(),
        name: name.into(),
        quantity: quantity.into(),
        credits: credits.into(),
        state: state.into(),
        ..OperationForm::default()
    }
}

#[test]
fn removing_an_addon_keeps_the_rest() {
    let set = BulkOperation::RemoveAddon {
        name: "ip_addon".into(),
    }
    .offerings_after(&current())
    .unwrap()
    .unwrap();
    assert_eq!(set.package(), "essentials_40k");
    assert_eq!(set.addons().len(), 1);
    assert_eq!(set.addons().get("subusers_addon"), Some(&3));
}

#[test]
fn an_addon_already_held_with_that_quantity_is_no_change() {
    let add = BulkOperation::AddAddon {
        name: "subusers_addon".into(),
        quantity: 3,
    };
    assert_eq!(add.offerings_after(&current()), Ok(None));
    let more = BulkOperation::AddAddon {
        name: "subusers_addon".into(),
        quantity: 5,
    };
    let set = more.offerings_after(&current()).unwrap().unwrap();
    assert_eq!(set.addons().get("subusers_addon"), Some(&5));
    assert_eq!(set.addons().get("ip_addon"), Some(&1));
    let absent = BulkOperation::RemoveAddon {
        name: "marketing_addon".into(),
    };
    assert_eq!(absent.offerings_after(&current()), Ok(None));
}

#[test]
fn setting_the_package_replaces_only_the_package() {
    let set = BulkOperation::SetPackage {
        name: "pro_100k".into(),
    }
    .offerings_after(&current())
    .unwrap()
    .unwrap();
    assert_eq!(set.package(), "pro_100k");
    assert_eq!(set.addons().len(), 2);
    let same = BulkOperation::SetPackage {
        name: "essentials_40k".into(),
    };
    assert_eq!(same.offerings_after(&current()), Ok(None));
}

#[test]
fn an_account_without_a_package_cannot_take_an_addon() {
    let add = BulkOperation::AddAddon {
        name: "ip_addon".into(),
        quantity: 1,
    };
    assert!(add.offerings_after(&[]).unwrap_err().contains("package"));
}

#[test]
fn operation_fields_are_checked() {
    assert_eq!(
        op("add_addon", "ip_addon", "", "", "").parse(),
        Ok(BulkOperation::AddAddon {
            name: "ip_addon".into(),
            quantity: 1
        })
    );
    let field_of = |form: OperationForm| form.parse().unwrap_err()[0].field;
    assert_eq!(field_of(op("add_addon", "", "", "", "")), BulkField::Name);
    assert_eq!(
        field_of(op("add_addon", "x", "0", "", "")),
        BulkField::Quantity
    );
    assert_eq!(
        field_of(op("limit_total", "", "", "-5", "")),
        BulkField::Credits
    );
    assert_eq!(
        field_of(op("limit_total", "", "", "99999999999", "")),
        BulkField::Credits
    );
    assert_eq!(
        field_of(op("state", "", "", "", "suspended")),
        BulkField::State
    );
    assert_eq!(
        field_of(op("drop_tables", "", "", "", "")),
        BulkField::Operation
    );
    assert_eq!(
        op("limit_total", "", "", "5,000", "").parse(),
        Ok(BulkOperation::LimitTotal { credits: 5000 })
    );
    assert_eq!(
        op("state", "", "", "", "deactivated").parse(),
        Ok(BulkOperation::State {
            state: WritableState::Deactivated
        })
    );
}

#[test]
fn removals_need_confirming() {
    assert!(BulkOperation::LimitNone.removes());
    assert!(!BulkOperation::SetPackage { name: "x".into() }.removes());
}

#[test]
fn pasted_customers_are_split_deduplicated_and_checked() {
    assert_eq!(
        parse_pasted("acme, beta\nAcme;  gamma@x.io\t").unwrap(),
        vec!["acme", "beta", "gamma@x.io"]
    );
    assert!(parse_pasted("  \n").is_err());
    for hostile in ["../etc/passwd", "a/b", "<script>", "x'; DROP TABLE"] {
        let error = parse_pasted(hostile).unwrap_err();
        assert_eq!(error.field, BulkField::Customers, "{hostile}");
    }
    let many: String = (0..=MAX_CUSTOMERS).map(|i| format!("c{i} ")).collect();
    assert!(parse_pasted(&many).unwrap_err().message.contains("1000"));
}

#[test]
fn a_filter_selection_needs_its_count() {
    let form = SelectionForm {
        by: "filter".into(),
        q: "acme".into(),
        ..SelectionForm::default()
    };
    assert!(form.parse().is_err());
    let counted = SelectionForm {
        count: "12".into(),
        ..form
    };
    assert!(matches!(
        counted.parse(),
        Ok(Selection::Filter { expected: 12, .. })
    ));
}

#[test]
fn progress_counts_and_estimates() {
    let mut counts = Counts::default();
    counts.add(ItemStatus::Done, 30);
    counts.add(ItemStatus::Failed, 10);
    counts.add(ItemStatus::Pending, 60);
    assert_eq!(counts.percent(), 40);
    assert_eq!(counts.remaining(), 60);
    let (rate, eta) = Progress::estimate(&counts, 40, 20.0);
    assert_eq!(rate, Some(2.0));
    assert_eq!(eta, Some(30));
    assert_eq!(describe_seconds(125), "2 min 5 s");
}
