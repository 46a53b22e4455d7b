//! The real binary's peak memory under a burst of wrong passwords from one address. Each
//! argon2 check holds 19 MiB; unbounded, 80 at once on the blocking pool would take about
//! 1.5 GiB. Reserved attempts and the hashing semaphore keep it to a few checks at a time.

use crate::customers_support::SIM_KEY;
use crate::process_support::{add_operator, small_simulator, ConsoleProcess};

/// "Peak RSS well under 400 MB" ([2/7]).
const PEAK_LIMIT_KIB: u64 = 400 * 1024;

#[tokio::test]
async fn eighty_parallel_wrong_passwords_keep_the_process_well_under_400_mb() {
    let sim = small_simulator().await;
    let dir = tempfile::tempdir().unwrap();
    add_operator(dir.path(), "ann@example.com", "manager");
    let console = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    let client = console.client();
    let url = format!("{}/login", console.url);
    let attempts = (0..80).map(|n| {
        let (client, url) = (&client, &url);
        async move {
            let email = if n % 2 == 0 {
                "ann@example.com".to_string()
            } else {
                format!("guess{n}@example.com")
            };
            let response = client
                .post(url)
                .form(&[
                    ("email", email.as_str()),
                    ("password", "wrong"),
                    ("next", "/"),
                ])
                .send()
                .await
                .expect("sign-in answers");
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_default()
                .to_string();
            (response.status().as_u16(), location)
        }
    });
    let answers = futures::future::join_all(attempts).await;
    let checked = answers
        .iter()
        .filter(|(_, location)| location.contains("error=invalid"))
        .count();
    assert!(
        (1..=10).contains(&checked),
        "{checked} passwords were checked: {answers:?}"
    );
    let peak = console.peak_rss_kib();
    assert!(
        peak < PEAK_LIMIT_KIB,
        "the console peaked at {} MiB",
        peak / 1024
    );
    println!(
        "peak RSS after 80 parallel wrong passwords: {} MiB",
        peak / 1024
    );
}
