//! The deployment notes, tried: Debian's nginx with `deploy/nginx-reseller-console.conf`
//! (only its ports, certificate paths and upstream changed for the run) in front of the real
//! binary started as `deploy/reseller-console.service` starts it (`SECURE_COOKIES=true`,
//! `TRUSTED_PROXIES` loopback). Signing in over TLS through nginx gives a Secure cookie and HSTS,
//! and the audit log records the address nginx passed on, not nginx's own.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::customers_support::SIM_KEY;
use crate::process_support::{add_operator, database_url, small_simulator, ConsoleProcess};
use crate::support::PASSWORD;

const NGINX: &str = "/usr/sbin/nginx";
const SITE: &str = include_str!("../../../deploy/nginx-reseller-console.conf");
const UNIT: &str = include_str!("../../../deploy/reseller-console.service");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `text` with `from` replaced; the test fails if the file no longer says `from`, so it keeps
/// trying the file as it is.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the deploy file still has {from:?}");
    text.replace(from, to)
}

/// A self-signed certificate for 127.0.0.1, made for the run.
fn certificate(dir: &Path) {
    let status = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=127.0.0.1"])
        .arg("-keyout")
        .arg(dir.join("privkey.pem"))
        .arg("-out")
        .arg(dir.join("fullchain.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs (make test installs it)");
    assert!(status.success());
}

/// nginx in the foreground with the deploy site, its files all in `dir`.
fn nginx(dir: &Path, console_port: u16, http: u16, https: u16) -> Child {
    let d = dir.display();
    let mut site = replaced(SITE, "listen 80;", &format!("listen 127.0.0.1:{http};"));
    site = replaced(&site, "listen [::]:80;", "");
    site = replaced(
        &site,
        "listen 443 ssl http2;",
        &format!("listen 127.0.0.1:{https} ssl http2;"),
    );
    site = replaced(&site, "listen [::]:443 ssl http2;", "");
    site = replaced(&site, "/etc/ssl/reseller-console", &d.to_string());
    site = replaced(
        &site,
        "proxy_pass http://127.0.0.1:3000;",
        &format!("proxy_pass http://127.0.0.1:{console_port};"),
    );
    std::fs::write(dir.join("site.conf"), site).unwrap();
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    let main = format!(
        "daemon off;\nuser root;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/tmp/body;\n  \
         proxy_temp_path {d}/tmp/proxy;\n  fastcgi_temp_path {d}/tmp/fastcgi;\n  \
         uwsgi_temp_path {d}/tmp/uwsgi;\n  scgi_temp_path {d}/tmp/scgi;\n  \
         include {d}/site.conf;\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let check = Command::new(NGINX)
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .output()
        .expect("nginx runs (make test installs it)");
    assert!(
        check.status.success(),
        "nginx -t: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    Command::new(NGINX)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_for(port: u16) {
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(started.elapsed() < Duration::from_secs(20), "nginx listens");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn signing_in_through_nginx_over_tls_gives_secure_cookies_and_records_the_browsers_address() {
    // The unit's settings are the ones this run uses.
    for line in [
        "Environment=SECURE_COOKIES=true",
        "Environment=TRUSTED_PROXIES=127.0.0.1/32,::1/128",
        "serve --addr 127.0.0.1:3000",
    ] {
        assert!(UNIT.contains(line), "the unit still says {line:?}");
    }
    let sim = small_simulator().await;
    let dir = tempfile::tempdir().unwrap();
    add_operator(dir.path(), "admin@example.com", "admin");
    let console = ConsoleProcess::start(
        dir.path(),
        &sim.base_url(),
        SIM_KEY,
        &[
            "--secure-cookies",
            "true",
            "--trusted-proxies",
            "127.0.0.1/32,::1/128",
        ],
    )
    .await;
    let console_port: u16 = console.url.rsplit(':').next().unwrap().parse().unwrap();
    let proxy_dir = tempfile::tempdir().unwrap();
    certificate(proxy_dir.path());
    let (http, https) = (free_port(), free_port());
    let mut proxy = nginx(proxy_dir.path(), console_port, http, https);
    wait_for(https).await;

    let site = format!("https://127.0.0.1:{https}");
    let client = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Plain HTTP is sent to HTTPS.
    let plain = client
        .get(format!("http://127.0.0.1:{http}/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 301);

    // A browser at 198.51.100.7 (what a proxy in front of nginx would have written).
    let response = client
        .post(format!("{site}/login"))
        .header("origin", &site)
        .header("x-forwarded-for", "198.51.100.7")
        .form(&[
            ("email", "admin@example.com"),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let _ = proxy.kill();
    let _ = proxy.wait();
    assert_eq!(status, 303, "signed in through nginx");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("rc_session="))
        .expect("a session cookie")
        .to_string();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(
        response.headers().contains_key("strict-transport-security"),
        "HSTS with Secure cookies"
    );

    let pool = sqlx::SqlitePool::connect(&format!("{}?mode=ro", database_url(dir.path())))
        .await
        .unwrap();
    let address: Option<String> = sqlx::query_scalar(
        "SELECT client_ip FROM audit_events WHERE action = 'auth.sign_in' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        address.as_deref(),
        Some("198.51.100.7"),
        "the right-most hop nginx did not vouch for itself"
    );
}
