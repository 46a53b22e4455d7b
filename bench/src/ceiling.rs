//! The ceiling for SSR figures: a bare axum handler answering a static page of the same size
//! as the console's, in its own process with the console's runtime (`#[tokio::main]`, the
//! multi-threaded default), so the difference is what the console does per request.

use std::process::ExitCode;

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;

pub fn main(args: &[String]) -> ExitCode {
    let (Some(port), Some(bytes)) = (
        args.first().and_then(|p| p.parse::<u16>().ok()),
        args.get(1).and_then(|b| b.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: bench ceiling PORT BYTES");
        return ExitCode::FAILURE;
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(serve(port, bytes))
}

async fn serve(port: u16, bytes: usize) -> ExitCode {
    let mut page = String::from("<!DOCTYPE html><html><body>");
    while page.len() < bytes.saturating_sub(14) {
        page.push_str("<p>row</p>");
    }
    page.push_str("</body></html>");
    let page: &'static str = Box::leak(page.into_boxed_str());
    let app = Router::new()
        .route(
            "/",
            get(move || async move { ([(CONTENT_TYPE, "text/html; charset=utf-8")], page) }),
        )
        .route("/healthz", get(|| async { "ok" }));
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot bind port {port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ceiling stopped: {error}");
            ExitCode::FAILURE
        }
    }
}
