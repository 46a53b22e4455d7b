//! Every form decoder meets whatever a browser (or a script) can post: it answers a value or
//! refusals, never panics, and what it accepts keeps the invariants its documentation states.
//! The case count follows `PROPTEST_CASES` (`make soak` raises it).

use std::collections::HashMap;

use app::domain::audit_filter::{AuditFilter, IsoDay};
use app::domain::bulk::{parse_concurrency, parse_pasted, BulkOperation, OperationForm};
use app::domain::bulk::{MAX_CREDITS, MAX_CUSTOMERS};
use app::domain::limits::{self, Credits, LimitForm, LimitTask, ValidLimitChange};
use app::domain::offerings::{decode_lines, OfferingKind, OfferingSet, OfferingsForm};
use app::domain::plan::{self, PackageInfo, PackageName, PlanAction, PlanForm, PlanState};
use app::domain::{Cents, IsoDate};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Text a form field might hold: one of `likely` (possibly padded), near-numbers and dates
/// with signs and spaces, or anything at all.
fn field(likely: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(likely).prop_map(str::to_string),
        1 => (prop::sample::select(likely), "[ \t]{0,2}", "[ \t]{0,2}")
            .prop_map(|(v, a, b)| format!("{a}{v}{b}")),
        2 => "[-+ 0-9,_]{0,12}",
        2 => date_like(),
        2 => any::<String>(),
    ]
}

/// `YYYY-mm-dd` with signs, spaces and out-of-range parts mixed in.
fn date_like() -> impl Strategy<Value = String> {
    let part = |options: &'static [&'static str]| prop::sample::select(options);
    (
        part(&["2026", "2027", "+202", "0000", " 202", "2024"]),
        part(&["01", "02", "11", "12", "13", "00", "+1", " 1", "1"]),
        part(&["01", "05", "23", "29", "31", "00", "+5", "5 "]),
    )
        .prop_map(|(y, m, d)| format!("{y}-{m}-{d}"))
}

const NUMBERS: &[&str] = &[
    "1",
    "5",
    "0",
    "2000000000",
    "2000000001",
    "2147483647",
    "18446744073709551616",
    "",
    "1000",
    "1001",
    "17",
    "16",
];
const DATES: &[&str] = &[
    "2026-11-23",
    "2026-02-29",
    "2024-02-29",
    "2026-13-01",
    "1999-12-31",
    "2099-01-01",
    "",
];

fn today() -> IsoDate {
    IsoDate::parse("2026-11-23").unwrap()
}

fn limit_form() -> impl Strategy<Value = LimitForm> {
    (
        field(&[
            "total",
            "increment",
            "decrement",
            "recurring",
            "none",
            "retrieve",
        ]),
        field(NUMBERS),
        field(&["daily", "weekly", "monthly", "yearly"]),
        field(DATES),
        field(DATES),
        field(NUMBERS),
    )
        .prop_map(
            |(task, credits, period, start_date, end_date, initial_credits)| LimitForm {
                task,
                credits,
                period,
                start_date,
                end_date,
                initial_credits,
            },
        )
}

/// An accepted amount is the trimmed digits, from 1 to the ceiling.
fn credits_match(credits: Credits, text: &str) {
    assert!((1..=Credits::MAX).contains(&credits.get()));
    assert_eq!(
        text.trim().parse::<u32>().ok(),
        Some(credits.get()),
        "{text:?}"
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dates_are_digits_only_and_print_as_typed(text in field(DATES)) {
        if let Ok(date) = IsoDate::parse(&text) {
            prop_assert_eq!(date.to_string(), text.trim());
        }
        if let Some(day) = IsoDay::parse(&text) {
            prop_assert_eq!(day.as_str(), text.trim());
            prop_assert!(day.as_str().bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || i == 4 || i == 7));
        }
    }

    #[test]
    fn limit_forms_accept_only_what_their_task_allows(
        form in limit_form(),
        noise in any::<String>(),
    ) {
        let result = limits::check(&form, today());
        match &result {
            Ok(change) => {
                prop_assert_eq!(Some(change.task()), LimitTask::parse(&form.task));
                match change {
                    ValidLimitChange::Remove => {}
                    ValidLimitChange::Total(c) | ValidLimitChange::Increment(c) => credits_match(*c, &form.credits),
                    // Below zero or not, SendGrid decides (API.md §3 is silent).
                    ValidLimitChange::Decrement(c) => credits_match(*c, &form.credits),
                    ValidLimitChange::Recurring(rule) => {
                        credits_match(rule.credits, &form.credits);
                        if let Some(start) = rule.start {
                            prop_assert!(start >= today());
                        }
                        if let Some(end) = rule.end {
                            prop_assert!(end >= rule.start.unwrap_or(today()));
                        }
                        if let Some(initial) = rule.initial {
                            credits_match(initial, &form.initial_credits);
                        }
                    }
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                if let Some(task) = LimitTask::parse(&form.task) {
                    prop_assert!(errors.iter().all(|e| task.uses(e.field)), "{:?}", errors);
                }
            }
        }
        // Fields the task does not take may hold anything.
        if let Some(task) = LimitTask::parse(&form.task) {
            let mut noisy = form.clone();
            if task != LimitTask::Recurring {
                noisy.period = noise.clone();
                noisy.start_date = noise.clone();
                noisy.end_date = noise.clone();
                noisy.initial_credits = noise.clone();
            }
            if task == LimitTask::Remove {
                noisy.credits = noise;
            }
            prop_assert_eq!(limits::check(&noisy, today()), result);
        }
    }
}

const OFFERINGS: &[&str] = &[
    "Email API Free",
    "Email API Essentials",
    "Dedicated IP",
    "Extra Teammates",
    "",
    " Dedicated IP ",
    "a:b",
    "a,b",
];

fn offerings_form() -> impl Strategy<Value = OfferingsForm> {
    (
        field(OFFERINGS),
        prop::collection::vec(field(OFFERINGS), 0..4),
        prop::collection::vec((field(OFFERINGS), field(NUMBERS)), 0..5),
    )
        .prop_map(|(package, addons, quantities)| OfferingsForm {
            package,
            addons,
            quantities,
        })
}

/// Text `decode_lines` meets: `type:name:quantity` items, mangled.
fn encoded_lines() -> impl Strategy<Value = String> {
    let item = prop_oneof![
        (
            field(&["package", "addon", "other", ""]),
            field(OFFERINGS),
            field(NUMBERS)
        )
            .prop_map(|(k, n, q)| format!("{k}:{n}:{q}")),
        any::<String>(),
    ];
    prop::collection::vec(item, 0..5).prop_map(|items| items.join(","))
}

/// An accepted set: one package, add-ons of at least 1, every name once and non-blank.
fn check_set(set: &OfferingSet) -> Result<(), TestCaseError> {
    prop_assert!(!set.package().trim().is_empty());
    prop_assert!(set.addons().values().all(|q| *q >= 1));
    prop_assert!(set
        .addons()
        .keys()
        .all(|n| !n.trim().is_empty() && n.trim() == n));
    prop_assert!(!set.addons().contains_key(set.package()));
    let lines = set.lines();
    prop_assert_eq!(
        lines
            .iter()
            .filter(|l| l.kind == OfferingKind::Package)
            .count(),
        1
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn offerings_forms_give_lines_or_quantity_errors(form in offerings_form()) {
        match form.lines() {
            Ok(lines) => {
                let packages = lines.iter().filter(|l| l.kind == OfferingKind::Package).count();
                prop_assert_eq!(packages, usize::from(!form.package.trim().is_empty()));
                prop_assert_eq!(lines.len() - packages, form.addons.len());
                prop_assert!(lines.iter().all(|l| l.quantity >= 0 && l.name.trim() == l.name));
                if let Ok(set) = OfferingSet::parse(&lines) {
                    check_set(&set)?;
                    // The review step carries the set encoded; the confirm step decodes it.
                    let again = decode_lines(&set.encode()).expect("an encoded set decodes");
                    prop_assert_eq!(OfferingSet::parse(&again).ok(), Some(set));
                }
            }
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
    }

    #[test]
    fn decoded_lines_make_sets_that_encode_and_decode_to_themselves(text in encoded_lines()) {
        if let Ok(lines) = decode_lines(&text) {
            if let Ok(set) = OfferingSet::parse(&lines) {
                check_set(&set)?;
                let again = decode_lines(&set.encode()).expect("an encoded set decodes");
                prop_assert_eq!(OfferingSet::parse(&again).ok(), Some(set));
            }
        }
    }
}

fn package(name: &str, cents: i64, has_ip: bool) -> PackageInfo {
    PackageInfo {
        name: PackageName::new(name),
        price: Cents(cents),
        credits: 1000,
        has_ip,
    }
}

const PACKAGES: &[&str] = &[
    "Free Package",
    "Basic Package",
    "Silver Package",
    "Gold Package",
    "gold package",
    "Platinum Package",
    "Nope",
];

fn plan_state() -> impl Strategy<Value = PlanState> {
    (
        prop::sample::select(PACKAGES),
        any::<bool>(),
        prop::collection::vec(field(&["198.51.100.200", "10.0.0.1"]), 0..3),
    )
        .prop_map(|(current, extra_ip_package, free_ips)| {
            let mut packages = vec![
                package("Free Package", 0, false),
                package("Basic Package", 995, false),
                package("Silver Package", 7995, true),
                package("Gold Package", 19995, true),
            ];
            if extra_ip_package {
                packages.push(package("Platinum Package", 39995, true));
            }
            PlanState {
                username: "acme-co".to_string(),
                package: PackageName::new(current),
                cycle: None,
                pending: None,
                packages,
                free_ips,
                assigned_ips: vec!["203.0.113.9".to_string()],
            }
        })
}

fn plan_form() -> impl Strategy<Value = PlanForm> {
    (
        field(&["upgrade", "downgrade", "close", "cancel"]),
        field(&["now", "end_of_cycle", "later"]),
        field(PACKAGES),
        prop::collection::vec(field(&["198.51.100.200", "10.0.0.1", ""]), 0..3),
        prop::collection::vec(field(&["Reseller Group", "Transactional", ""]), 0..3),
    )
        .prop_map(|(action, timing, package, ip, ip_group)| PlanForm {
            action,
            timing,
            package,
            ip,
            ip_group,
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn plan_changes_pass_only_with_a_valid_target_and_placement(form in plan_form(), state in plan_state()) {
        if let Ok(change) = plan::check(&form, &state) {
            prop_assert_eq!(Some(change.action), PlanAction::parse(&form.action));
            prop_assert!(plan::action_unavailable(&state, change.action).is_none());
            match (&change.target, change.action) {
                (None, PlanAction::Close) => prop_assert!(form.package.trim().is_empty()),
                (Some(target), action) => {
                    prop_assert!(action != PlanAction::Close);
                    prop_assert!(plan::targets(&state, action).contains(&target));
                    // Prices do not decide (the documents never say so); the current package does.
                    prop_assert!(!target.name.eq_ignore_ascii_case(&state.package));
                }
                (None, _) => prop_assert!(false, "an upgrade or downgrade without a target"),
            }
            match &change.placement {
                plan::Placement::Ips(ips) => {
                    prop_assert!(!ips.is_empty());
                    let usable = state.ips_for(change.action);
                    prop_assert!(ips.iter().all(|ip| usable.contains(&ip)));
                }
                plan::Placement::IpGroups(groups) => {
                    prop_assert!(!groups.is_empty());
                    prop_assert!(groups.iter().all(|g| !g.is_empty() && g.chars().count() <= 255 && g.trim() == g));
                    prop_assert_eq!(groups, &form.ip_groups());
                }
                plan::Placement::Unchanged => {}
            }
        }
    }
}

fn operation_form() -> impl Strategy<Value = OperationForm> {
    (
        field(&[
            "add_addon",
            "remove_addon",
            "set_package",
            "limit_total",
            "limit_increment",
            "limit_none",
            "state",
            "plan_upgrade",
            "plan_downgrade",
            "plan_close",
            "plan_",
            "drop",
        ]),
        field(OFFERINGS),
        field(NUMBERS),
        field(NUMBERS),
        field(&["activated", "deactivated", "deleted"]),
        field(&["Silver Package", " Basic Package ", ""]),
        field(&["now", "end_of_cycle", "later"]),
        prop_oneof![
            field(&["Reseller Group", "a\nb\n\n a ", ""]),
            "[a-z]{250,260}",
            "([a-z]{1,3}\n){18,24}",
        ],
    )
        .prop_map(
            |(op, name, quantity, credits, state, plan_package, timing, ip_group)| OperationForm {
                op,
                name,
                quantity,
                credits,
                state,
                plan_package,
                timing,
                ip_group,
            },
        )
}

/// Pasted lists: names from the allowed alphabet and hostile ones, with every separator.
fn pasted() -> impl Strategy<Value = String> {
    let entry = prop_oneof![
        4 => "[A-Za-z0-9._@+-]{1,12}",
        1 => "[A-Za-z0-9._@+-]{95,105}",
        1 => prop::sample::select(&["../etc", "a..b", "ANNA", "anna", "<b>", "o'neil", "名前"][..]).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    prop::collection::vec(
        (
            entry,
            prop::sample::select(&[" ", ",", ";", "\n", "\r\n", ", ", "\t"][..]),
        ),
        0..30,
    )
    .prop_map(|parts| parts.into_iter().map(|(e, s)| format!("{e}{s}")).collect())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn bulk_operations_accept_only_bounded_values(form in operation_form()) {
        if let Ok(operation) = form.parse() {
            match operation {
                BulkOperation::AddAddon { name, quantity } => {
                    prop_assert!((1..=1000).contains(&quantity));
                    prop_assert!(!name.is_empty() && name.len() <= 100 && name.trim() == name);
                    prop_assert!(!name.chars().any(char::is_control));
                }
                BulkOperation::RemoveAddon { name } | BulkOperation::SetPackage { name } => {
                    prop_assert!(!name.is_empty() && name.len() <= 100 && name.trim() == name);
                    prop_assert!(!name.chars().any(char::is_control));
                }
                BulkOperation::LimitTotal { credits } | BulkOperation::LimitIncrement { credits } => {
                    prop_assert!((1..=MAX_CREDITS).contains(&credits));
                }
                BulkOperation::LimitNone | BulkOperation::State { .. } => {}
                BulkOperation::Plan { action, package, ip_groups, .. } => {
                    prop_assert_eq!(action == PlanAction::Close, package.is_none());
                    if let Some(package) = package {
                        prop_assert!(!package.is_empty() && package.len() <= 100 && package.trim() == package);
                        prop_assert!(!package.chars().any(char::is_control));
                    }
                    prop_assert!(ip_groups.len() <= 20);
                    for group in &ip_groups {
                        prop_assert!(!group.is_empty() && group.trim() == group && group.chars().count() <= 255);
                        prop_assert!(!group.contains('\n'));
                    }
                }
            }
        }
    }

    #[test]
    fn concurrency_is_one_to_sixteen(text in field(NUMBERS)) {
        if let Ok(n) = parse_concurrency(&text) {
            prop_assert!((1..=16).contains(&n));
        }
    }

    #[test]
    fn pasted_names_are_clean_distinct_and_in_order(text in pasted()) {
        if let Ok(names) = parse_pasted(&text) {
            prop_assert!(!names.is_empty() && names.len() <= MAX_CUSTOMERS);
            let allowed = |c: char| c.is_ascii_alphanumeric() || "._@+-".contains(c);
            let mut position = 0;
            for (i, name) in names.iter().enumerate() {
                prop_assert!(name.len() <= 100 && name.chars().all(allowed) && !name.contains(".."));
                prop_assert!(names[..i].iter().all(|n| !n.eq_ignore_ascii_case(name)));
                // In the order given: each is found after the one before.
                let found = text[position..].find(name.as_str());
                prop_assert!(found.is_some(), "{} out of order", name);
                position += found.unwrap_or(0);
            }
        }
    }

    #[test]
    fn audit_filters_are_trimmed_bounded_ordered_and_reread_the_same(
        values in prop::collection::vec(field(&["ann@Example.com", "acme-co", "plan.immediate_upgrade", "success", "refused", "maybe", "2026-11-01", "2026-11-30", "2026-02-31", ""]), 6),
        long in "[a-z]{195,205}",
        which in 0usize..7,
    ) {
        let names = ["operator", "customer", "action", "outcome", "from", "to"];
        let mut map: HashMap<&str, String> = names.iter().copied().zip(values).collect();
        if let Some(name) = names.get(which) {
            map.insert(name, long);
        }
        if let Ok(filter) = AuditFilter::parse(|name| map.get(name).cloned()) {
            for (name, value) in filter.pairs() {
                prop_assert!(!value.is_empty() && value.trim() == value && value.chars().count() <= 200);
                if name == "operator" {
                    prop_assert_eq!(value.to_lowercase(), value);
                }
            }
            if let (Some(from), Some(to)) = (&filter.from, &filter.to) {
                prop_assert!(from <= to);
            }
            let pairs: HashMap<&str, String> = filter.pairs().into_iter().collect();
            let again = AuditFilter::parse(|name| pairs.get(name).cloned());
            prop_assert_eq!(again, Ok(filter));
        }
    }
}

/// Credits as an operator types them: 1 to the ceiling, maybe padded.
fn valid_credits() -> impl Strategy<Value = String> {
    (1..=Credits::MAX, "[ ]{0,2}", "[ ]{0,2}").prop_map(|(n, a, b)| format!("{a}{n}{b}"))
}

/// Days from today on, in order, as the date inputs post them.
const FUTURE: &[&str] = &[
    "2026-11-23",
    "2026-12-01",
    "2027-01-31",
    "2028-02-29",
    "2099-01-01",
];

/// A limits form within every rule of its task (API.md §3, plus the console's dates).
fn valid_limit_form() -> impl Strategy<Value = LimitForm> {
    let fixed = (
        prop::sample::select(&["total", "increment", "decrement", "none"][..]),
        valid_credits(),
    )
        .prop_map(|(task, credits)| LimitForm {
            task: task.to_string(),
            credits,
            ..LimitForm::default()
        });
    let recurring = (
        valid_credits(),
        prop::sample::select(&["daily", "weekly", "monthly"][..]),
        prop::option::of(0..FUTURE.len()),
        prop::option::of(0..FUTURE.len()),
        prop::option::of(valid_credits()),
    )
        .prop_map(|(credits, period, start, end, initial)| {
            // The end is on or after the start (or today, without one).
            let end = end.map(|e| e.max(start.unwrap_or(0)));
            LimitForm {
                task: "recurring".to_string(),
                credits,
                period: period.to_string(),
                start_date: start.map(|s| FUTURE[s].to_string()).unwrap_or_default(),
                end_date: end.map(|e| FUTURE[e].to_string()).unwrap_or_default(),
                initial_credits: initial.unwrap_or_default(),
            }
        });
    prop_oneof![fixed, recurring]
}

/// An offerings form naming one package and distinct add-ons with whole quantities.
fn valid_offerings_form() -> impl Strategy<Value = OfferingsForm> {
    (
        prop::sample::select(&["Email API Free", "Email API Essentials"][..]),
        prop::sample::subsequence(
            &["Dedicated IP", "Extra Teammates", "Extra Subusers"][..],
            0..=3,
        ),
        prop::collection::vec(
            prop_oneof![
                Just(String::new()),
                (1..1000u32).prop_map(|q| q.to_string())
            ],
            3,
        ),
    )
        .prop_map(|(package, addons, quantities)| OfferingsForm {
            package: package.to_string(),
            quantities: addons
                .iter()
                .zip(quantities)
                .map(|(addon, q)| (addon.to_string(), q))
                .collect(),
            addons: addons.iter().map(|a| a.to_string()).collect(),
        })
}

proptest! {
    #![proptest_config(config())]

    /// The other side of the refusals above: whatever keeps the rules is accepted, as typed.
    #[test]
    fn valid_limit_forms_are_accepted(form in valid_limit_form()) {
        let change = limits::check(&form, today());
        prop_assert!(change.is_ok(), "{:?} refused: {:?}", form, change);
        let change = change.unwrap();
        prop_assert_eq!(Some(change.task()), LimitTask::parse(&form.task));
        match change {
            ValidLimitChange::Remove => {}
            ValidLimitChange::Total(c) | ValidLimitChange::Increment(c) | ValidLimitChange::Decrement(c) => {
                credits_match(c, &form.credits)
            }
            ValidLimitChange::Recurring(rule) => credits_match(rule.credits, &form.credits),
        }
    }

    #[test]
    fn valid_offerings_forms_are_accepted(form in valid_offerings_form()) {
        let lines = form.lines();
        prop_assert!(lines.is_ok(), "{:?} refused: {:?}", form, lines);
        let set = OfferingSet::parse(&lines.unwrap());
        prop_assert!(set.is_ok(), "{:?} refused: {:?}", form, set);
        let set = set.unwrap();
        prop_assert_eq!(set.package(), form.package.as_str());
        prop_assert_eq!(set.addons().len(), form.addons.len());
    }
}
