//! Retries, timeouts and connection failures (DESIGN.md "Reliability"), counted at the server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{client, config, request_count, V2_KEY, V3_KEY};
use chrono::{DateTime, Utc};
use sendgrid::{
    Client, Error, IpPlacement, LimitChange, LimitHolder, NewAccount, Offering, PlanChange, Timing,
};
use serde_json::json;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tracing::field::{Field, Visit};
use tracing::span::{Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OFFERINGS: &str = "/v3/partners/accounts/sg_1/offerings";

fn upgrade() -> PlanChange {
    PlanChange::Upgrade {
        timing: Timing::Immediate,
        user: "acme".into(),
        package: "Silver Package".into(),
        placement: IpPlacement::None,
    }
}

fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_json(json!({"errors": [
        {"message": "Service Unavailable", "field": "", "error_id": "10-50300"}]}))
}

#[tokio::test]
async fn put_offerings_succeeds_on_the_third_attempt_after_two_503s() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(OFFERINGS))
        .respond_with(unavailable())
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    let body = json!({"offerings": [{"name": "org.ei.free.v1", "type": "package", "quantity": 1}]});
    Mock::given(method("PUT"))
        .and(path(OFFERINGS))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let wanted = [Offering::package("org.ei.free.v1")];
    let (attempts, _guard) = record_attempts();
    let result = client(&server)
        .update_account_offerings("sg_1", &wanted)
        .await
        .unwrap();
    assert_eq!(result, wanted);
    assert_eq!(request_count(&server).await, 3);
    assert_eq!(
        *attempts.lock().unwrap(),
        [3],
        "the span's `attempts` field"
    );
}

/// Collects every `attempts` value recorded on a span while the guard lives.
fn record_attempts() -> (Arc<Mutex<Vec<u64>>>, tracing::subscriber::DefaultGuard) {
    struct Attempts(Arc<Mutex<Vec<u64>>>);
    struct Visitor<'a>(&'a Mutex<Vec<u64>>);
    impl Visit for Visitor<'_> {
        fn record_u64(&mut self, field: &Field, value: u64) {
            if field.name() == "attempts" {
                self.0.lock().unwrap().push(value);
            }
        }
        fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
    }
    impl<S: tracing::Subscriber> Layer<S> for Attempts {
        fn on_record(&self, _: &Id, values: &Record<'_>, _: Context<'_, S>) {
            values.record(&mut Visitor(&self.0));
        }
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Attempts(seen.clone()));
    (seen, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn retries_stop_after_three_and_report_the_last_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(unavailable())
        .mount(&server)
        .await;
    let error = client(&server).list_offerings().await.unwrap_err();
    assert_eq!(
        error,
        Error::Upstream {
            status: 503,
            message: "Service Unavailable".into()
        }
    );
    assert!(error.is_retryable());
    assert_eq!(
        request_count(&server).await,
        4,
        "one attempt and three retries"
    );
}

#[tokio::test]
async fn v2_post_past_the_timeout_is_outcome_unknown_after_one_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"message":"success"}"#)
                .set_delay(Duration::from_secs(2)),
        )
        .mount(&server)
        .await;
    let mut config = config(&server.uri());
    config.timeout = Duration::from_millis(300);
    let client = Client::new(config).unwrap();
    let error = client.change_plan(&upgrade()).await.unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert!(!error.outcome_known() && !error.is_retryable());
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn read_only_v2_post_is_retried_after_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let mut config = config(&server.uri());
    config.timeout = Duration::from_millis(300);
    let client = Client::new(config).unwrap();
    assert_eq!(
        client
            .retrieve_limit(LimitHolder::Subuser("sub"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn read_that_keeps_timing_out_is_a_plain_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let mut config = config(&server.uri());
    config.timeout = Duration::from_millis(200);
    config.retry.max_retries = 1;
    let error = Client::new(config)
        .unwrap()
        .get_account_state("sg_1")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.outcome_known() && error.is_retryable());
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn mutating_posts_are_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(unavailable())
        .mount(&server)
        .await;
    let client = client(&server);
    let plan = client.change_plan(&upgrade()).await.unwrap_err();
    assert!(
        matches!(plan, Error::Upstream { status: 503, .. }),
        "{plan:?}"
    );
    let limit = client
        .change_limit(LimitHolder::Subuser("sub"), &LimitChange::Increment(5))
        .await;
    assert!(limit.is_err());
    let create = client
        .create_account(&NewAccount {
            offerings: vec![Offering::package("org.ei.free.v1")],
            ..NewAccount::default()
        })
        .await;
    assert!(create.is_err());
    let sso = client.sso("sg_1").await;
    assert!(sso.is_err());
    assert_eq!(request_count(&server).await, 4, "one request per call");
}

#[tokio::test]
async fn gateway_timeout_on_a_change_is_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(504).set_body_string("upstream timed out"))
        .mount(&server)
        .await;
    let error = client(&server).delete_account("sg_1").await.unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn rate_limit_reset_beyond_the_cap_fails_at_once_with_the_reset() {
    let reset = Utc::now().timestamp() + 3600;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Limit", "150")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", reset.to_string().as_str())
                .set_body_json(
                    json!({"errors": [{"field": null, "message": "too many requests"}]}),
                ),
        )
        .mount(&server)
        .await;
    let error = client(&server).list_offerings().await.unwrap_err();
    assert_eq!(
        error,
        Error::RateLimited {
            reset_at: DateTime::from_timestamp(reset, 0),
            message: "too many requests".into()
        }
    );
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn rate_limit_with_a_short_reset_is_waited_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_string("too many requests"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let packages = client(&server).list_packages().await.unwrap();
    assert!(packages.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn v2_rate_limit_is_not_retried_on_a_change() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_string(r#"{"message":"error","errors":["too many requests"]}"#),
        )
        .mount(&server)
        .await;
    let error = client(&server).change_plan(&upgrade()).await.unwrap_err();
    assert_eq!(
        error,
        Error::RateLimited {
            reset_at: None,
            message: "too many requests".into()
        }
    );
    assert_eq!(request_count(&server).await, 1);
}

/// A loopback port with nothing listening.
async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

#[tokio::test]
async fn connection_refused_is_unreachable() {
    let client = Client::new(config(&closed_port().await)).unwrap();
    let read = client.list_offerings().await.unwrap_err();
    assert!(matches!(read, Error::Unreachable { .. }), "{read:?}");
    let change = client.change_plan(&upgrade()).await.unwrap_err();
    assert!(matches!(change, Error::Unreachable { .. }), "{change:?}");
    assert!(change.outcome_known() && change.is_retryable());
    assert!(!change.to_string().contains(V2_KEY));
}

/// A server that reads one request and hangs up without answering.
async fn hang_up_server() -> (String, tokio::task::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 8192];
        let read = socket.read(&mut buf).await.unwrap();
        drop(socket);
        read
    });
    (format!("http://{addr}"), task)
}

#[tokio::test]
async fn connection_dropped_after_sending_a_change_is_outcome_unknown() {
    let (url, server) = hang_up_server().await;
    let client = Client::new(config(&url)).unwrap();
    let error = client.change_plan(&upgrade()).await.unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert!(server.await.unwrap() > 0, "the request reached the server");
}

#[tokio::test]
async fn echoed_credentials_never_reach_the_error() {
    let server = MockServer::start().await;
    // A proxy that echoes the request it could not handle.
    Mock::given(method("POST"))
        .respond_with(|request: &wiremock::Request| {
            let body = String::from_utf8_lossy(&request.body).into_owned();
            ResponseTemplate::new(418).set_body_string(format!("<p>bad request: {body}</p>"))
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(|request: &wiremock::Request| {
            let auth = request
                .headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap();
            ResponseTemplate::new(400).set_body_string(format!("cannot parse header {auth}"))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let v2 = client.change_plan(&upgrade()).await.unwrap_err();
    let v3 = client.get_account_state("sg_1").await.unwrap_err();
    for error in [v2, v3] {
        let shown = format!("{error} {error:?}");
        assert!(matches!(error, Error::Unexpected { .. }), "{shown}");
        assert!(
            !shown.contains(V2_KEY) && !shown.contains(V3_KEY),
            "{shown}"
        );
        assert!(!shown.contains("apikey"), "{shown}");
    }
}

#[tokio::test]
async fn echoed_credentials_in_error_envelopes_never_reach_the_error() {
    let server = MockServer::start().await;
    // Readable error envelopes whose wording quotes the request's credentials.
    Mock::given(method("POST"))
        .respond_with(|request: &wiremock::Request| {
            let body = String::from_utf8_lossy(&request.body).into_owned();
            ResponseTemplate::new(400).set_body_json(
                json!({"message": "error", "errors": [format!("bad request: {body}")]}),
            )
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(|request: &wiremock::Request| {
            let auth = request.headers.get("authorization").unwrap();
            let message = format!("cannot parse header {}", auth.to_str().unwrap());
            ResponseTemplate::new(503)
                .set_body_json(json!({"errors": [{"message": message, "field": null}]}))
        })
        .mount(&server)
        .await;
    let mut config = config(&server.uri());
    config.retry = sendgrid::RetryConfig::disabled();
    let client = Client::new(config).unwrap();
    let v2 = client.change_plan(&upgrade()).await.unwrap_err();
    let v3 = client.get_account_state("sg_1").await.unwrap_err();
    assert!(matches!(v2, Error::InvalidInput { .. }), "{v2:?}");
    assert!(matches!(v3, Error::Upstream { .. }), "{v3:?}");
    for error in [v2, v3] {
        let shown = format!("{error} {error:?}");
        assert!(
            shown.contains("bad request") || shown.contains("cannot parse header"),
            "{shown}"
        );
        assert!(
            !shown.contains(V2_KEY) && !shown.contains(V3_KEY),
            "{shown}"
        );
    }
}
