use super::*;

#[test]
fn the_sixth_attempt_for_one_address_and_email_is_refused_and_success_forgets_them() {
    let throttle = LoginThrottle::default();
    let now = Instant::now();
    for _ in 0..PAIR_LIMIT {
        let attempt = throttle
            .reserve_at("a@example.com", "10.0.0.1", now)
            .unwrap();
        throttle.failed(attempt);
    }
    let blocked = throttle
        .reserve_at("a@example.com", "10.0.0.1", now)
        .unwrap_err();
    assert_eq!(blocked.wait, WINDOW);
    // The window moves on; a success then forgets the pair's failures.
    let later = now + WINDOW;
    let attempt = throttle
        .reserve_at("a@example.com", "10.0.0.1", later)
        .unwrap();
    throttle.succeeded(attempt);
    assert_eq!(throttle.counters.lock().unwrap().len(), 0);
}

#[test]
fn attempts_under_way_count_before_their_password_is_checked() {
    let throttle = LoginThrottle::default();
    let now = Instant::now();
    let under_way: Vec<Reservation> = (0..ADDRESS_LIMIT)
        .map(|n| {
            throttle
                .reserve_at(&format!("u{n}@example.com"), "10.0.0.2", now)
                .unwrap()
        })
        .collect();
    assert!(throttle
        .reserve_at("fresh@example.com", "10.0.0.2", now)
        .is_err());
    // Released places (never checked) come back.
    for attempt in under_way {
        throttle.release(attempt);
    }
    assert!(throttle
        .reserve_at("fresh@example.com", "10.0.0.2", now)
        .is_ok());
}

#[test]
fn an_email_failing_everywhere_is_slowed_never_refused() {
    let throttle = LoginThrottle::default();
    let now = Instant::now();
    for n in 0..40 {
        let attempt = throttle
            .reserve_at("admin@localhost", &format!("10.1.0.{n}"), now)
            .expect("an email alone never refuses");
        throttle.failed(attempt);
    }
    let attempt = throttle
        .reserve_at("admin@localhost", "10.2.0.1", now)
        .unwrap();
    assert_eq!(attempt.delay, MAX_EMAIL_DELAY);
    assert_eq!(email_delay(EMAIL_FREE_FAILURES - 1), Duration::ZERO);
    assert_eq!(email_delay(EMAIL_FREE_FAILURES), Duration::from_secs(1));
    assert_eq!(email_delay(EMAIL_FREE_FAILURES + 1), Duration::from_secs(2));
}

#[test]
fn another_emails_success_does_not_clear_an_addresss_failures() {
    let throttle = LoginThrottle::default();
    let now = Instant::now();
    for n in 0..ADDRESS_LIMIT - 1 {
        let attempt = throttle
            .reserve_at(&format!("u{n}@example.com"), "10.0.0.3", now)
            .unwrap();
        throttle.failed(attempt);
    }
    let ok = throttle
        .reserve_at("bob@example.com", "10.0.0.3", now)
        .unwrap();
    throttle.succeeded(ok);
    let last = throttle
        .reserve_at("x@example.com", "10.0.0.3", now)
        .unwrap();
    throttle.failed(last);
    assert!(throttle
        .reserve_at("y@example.com", "10.0.0.3", now)
        .is_err());
}
