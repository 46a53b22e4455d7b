//! Connections that never finish a request (slowloris) or sit idle: the console closes them
//! after its header-read timeout, keeps answering meanwhile, and holds at most its limit.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::support::TestConsole;

/// Far beyond the configured timeouts; only a console that never closes reaches it.
const PATIENCE: Duration = Duration::from_secs(30);

fn address(console: &TestConsole) -> String {
    console.url().trim_start_matches("http://").to_string()
}

async fn half_sent(address: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: console\r\nX-Slow: ")
        .await
        .unwrap();
    stream
}

/// Still open: nothing to read yet, and not at end of stream.
fn is_open(stream: &TcpStream) -> bool {
    let mut buf = [0u8; 64];
    matches!(stream.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

/// Waits until the server closes `stream` (end of stream or a reset), returning what it sent.
async fn closed_by_server(mut stream: TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let read = timeout(PATIENCE, stream.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "the server never closed the connection");
    received
}

#[tokio::test]
async fn four_hundred_half_sent_requests_neither_block_a_fresh_one_nor_stay_open() {
    let console = TestConsole::start_with(|args| {
        args.header_read_timeout_secs = 5;
        args.max_connections = 1000;
    })
    .await;
    let address = address(&console);
    let mut held = Vec::new();
    for _ in 0..400 {
        held.push(half_sent(&address).await);
    }

    let fresh = reqwest::get(format!("{}/healthz", console.url()))
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let open = held.iter().filter(|stream| is_open(stream)).count();
    assert_eq!(
        open, 400,
        "answered while every half-sent request was still held"
    );

    for stream in held {
        closed_by_server(stream).await;
    }
    console.stop().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let console = TestConsole::start_with(|args| args.header_read_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(address(&console)).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: console\r\n\r\n")
        .await
        .unwrap();
    let received = closed_by_server(stream).await;
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    console.stop().await;
}

#[tokio::test]
async fn past_the_connection_limit_a_request_waits_for_a_free_connection() {
    let console = TestConsole::start_with(|args| {
        args.header_read_timeout_secs = 2;
        args.max_connections = 5;
    })
    .await;
    let address = address(&console);
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(half_sent(&address).await);
    }
    let fresh = timeout(PATIENCE, reqwest::get(format!("{}/healthz", console.url())))
        .await
        .expect("answered once a connection is free")
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let still_open = held.iter().filter(|stream| is_open(stream)).count();
    assert!(
        still_open < 5,
        "the sixth connection was served only after one of the five was closed"
    );
    console.stop().await;
}
