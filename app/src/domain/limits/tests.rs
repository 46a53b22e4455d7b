use super::*;

fn d(text: &str) -> IsoDate {
    IsoDate::parse(text).unwrap()
}

const TODAY: &str = "2026-11-23";

fn form(task: &str, credits: &str) -> LimitForm {
    LimitForm {
        task: task.into(),
        credits: credits.into(),
        ..LimitForm::default()
    }
}

fn recurring(credits: &str, period: &str, start: &str, end: &str, initial: &str) -> LimitForm {
    LimitForm {
        task: "recurring".into(),
        credits: credits.into(),
        period: period.into(),
        start_date: start.into(),
        end_date: end.into(),
        initial_credits: initial.into(),
    }
}

fn fields(result: Result<ValidLimitChange, Vec<LimitFieldError>>) -> Vec<LimitField> {
    result.unwrap_err().into_iter().map(|e| e.field).collect()
}

fn limit(remaining: i64) -> CurrentLimit {
    CurrentLimit {
        credit: 5000,
        remaining,
        last_reset: Some(d("2026-11-01")),
    }
}

#[test]
fn credits_are_whole_numbers_above_zero() {
    assert_eq!(Credits::parse(" 5000 ").unwrap().get(), 5000);
    for bad in ["", "0", "-1", "+3", "1.5", "1,000", "abc", "99999999999"] {
        assert!(Credits::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn each_task_takes_its_fields() {
    let today = d(TODAY);
    assert_eq!(
        check(&form("none", "garbage"), today),
        Ok(ValidLimitChange::Remove)
    );
    assert_eq!(
        check(&form("total", "5000"), today),
        Ok(ValidLimitChange::Total(Credits::parse("5000").unwrap()))
    );
    assert_eq!(
        check(&form("increment", "100"), today),
        Ok(ValidLimitChange::Increment(Credits::parse("100").unwrap()))
    );
    assert_eq!(
        check(&form("decrement", "100"), today),
        Ok(ValidLimitChange::Decrement(Credits::parse("100").unwrap()))
    );
    let rule = check(
        &recurring("500", "weekly", "2026-12-01", "2027-06-30", "100"),
        today,
    )
    .unwrap();
    assert_eq!(
        rule,
        ValidLimitChange::Recurring(RecurringRule {
            credits: Credits::parse("500").unwrap(),
            period: LimitPeriod::Weekly,
            start: Some(d("2026-12-01")),
            end: Some(d("2027-06-30")),
            initial: Some(Credits::parse("100").unwrap()),
        })
    );
    assert_eq!(rule.task().action().as_str(), "limits.recurring");
}

#[test]
fn bad_values_are_refused_next_to_their_field() {
    let today = d(TODAY);
    assert_eq!(fields(check(&form("", "1"), today)), [LimitField::Task]);
    assert_eq!(
        fields(check(&form("total", "0"), today)),
        [LimitField::Credits]
    );
    assert_eq!(
        fields(check(&form("increment", "ten"), today)),
        [LimitField::Credits]
    );
    assert_eq!(
        fields(check(
            &recurring("", "yearly", "2026-13-01", "tomorrow", "0"),
            today,
        )),
        [
            LimitField::Credits,
            LimitField::InitialCredits,
            LimitField::Period,
            LimitField::StartDate,
            LimitField::EndDate,
        ]
    );
}

#[test]
fn dates_must_be_in_order_and_not_past() {
    let today = d(TODAY);
    assert_eq!(
        fields(check(
            &recurring("500", "daily", "2026-11-22", "", ""),
            today,
        )),
        [LimitField::StartDate]
    );
    assert!(check(&recurring("500", "daily", TODAY, TODAY, ""), today).is_ok());
    assert_eq!(
        fields(check(
            &recurring("500", "daily", "2026-12-10", "2026-12-09", ""),
            today,
        )),
        [LimitField::EndDate]
    );
    // Without a start the first reset is upstream's choice, from today at the earliest.
    assert_eq!(
        fields(check(
            &recurring("500", "monthly", "", "2026-11-01", ""),
            today,
        )),
        [LimitField::EndDate]
    );
}

#[test]
fn a_decrement_below_zero_is_sendgrids_to_refuse_and_the_review_says_so() {
    let today = d(TODAY);
    let change = check(&form("decrement", "2001"), today).unwrap();
    let review = describe_change(&change, "acme-sub1", Some(&limit(2000)));
    assert!(review.contains("(2,000 → -1)"), "{review}");
    assert!(review.contains("SendGrid may refuse this"), "{review}");
    let within = check(&form("decrement", "2000"), today).unwrap();
    let review = describe_change(&within, "acme-sub1", Some(&limit(2000)));
    assert!(!review.contains("may refuse"), "{review}");
}

#[test]
fn upstream_fields_map_to_form_fields() {
    assert_eq!(
        LimitField::from_upstream("startdate"),
        Some(LimitField::StartDate)
    );
    assert_eq!(
        LimitField::from_upstream("credits"),
        Some(LimitField::Credits)
    );
    assert_eq!(LimitField::from_upstream("package"), None);
}

#[test]
fn limits_read_in_words() {
    assert_eq!(describe_limit(None), "No limit");
    assert_eq!(
        describe_limit(Some(&limit(2000))),
        "2,000 credits left; allowance 5,000; last reset 2026-11-01"
    );
    let rule = RecurringRule {
        credits: Credits::parse("500").unwrap(),
        period: LimitPeriod::Weekly,
        start: Some(d("2026-12-01")),
        end: Some(d("2027-06-30")),
        initial: None,
    };
    assert_eq!(
        describe_rule(&rule),
        "Resets to 500 every week from 2026-12-01 until 2027-06-30"
    );
    assert_eq!(
        describe_change(
            &ValidLimitChange::Decrement(Credits::parse("500").unwrap()),
            "acme-sub1",
            Some(&limit(2000))
        ),
        "Take 500 credits away from acme-sub1's balance (2,000 → 1,500)."
    );
    assert_eq!(
        done_summary(
            &ValidLimitChange::Total(Credits::parse("5000").unwrap()),
            "acme"
        ),
        "Set acme's credits to 5,000."
    );
}

#[test]
fn tasks_know_their_fields() {
    assert!(!LimitTask::Remove.uses(LimitField::Credits));
    assert!(LimitTask::Decrement.uses(LimitField::Credits));
    assert!(!LimitTask::Total.uses(LimitField::Period));
    assert!(LimitTask::Recurring.uses(LimitField::InitialCredits));
    for task in LimitTask::ALL {
        assert_eq!(LimitTask::parse(task.as_str()), Some(task));
    }
}
