//! The server's edges against hostile clients: idle and slow connections are closed on time,
//! the connection cap makes room by closing the longest-idle connection, a request that does
//! not finish is answered 503, and normal requests are served meanwhile.

use std::{sync::atomic::Ordering::Relaxed, time::Duration};

use federation_tests::{eventually, Options, TestInstance};
use reqwest::StatusCode;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

async fn limited(max_connections: usize) -> TestInstance {
    TestInstance::start_with(Options {
        tweak: match max_connections {
            4 => |c| {
                c.server.header_timeout = Duration::from_millis(400);
                c.server.idle_timeout = Duration::from_secs(30);
                c.server.request_timeout = Duration::from_secs(2);
                c.server.max_connections = 8;
                c.server.max_connections_per_client = 4;
            },
            8 => |c| {
                c.server.header_timeout = Duration::from_millis(400);
                c.server.idle_timeout = Duration::from_secs(30);
                c.server.request_timeout = Duration::from_secs(1);
                c.server.max_connections = 8;
            },
            _ => |c| {
                c.server.header_timeout = Duration::from_millis(400);
                c.server.idle_timeout = Duration::from_secs(1);
                c.server.request_timeout = Duration::from_secs(5);
                c.server.max_connections = 64;
            },
        },
        ..Options::default()
    })
    .await
}

/// Whether the server closed `s`: a read gives end-of-file or an error within `within`.
async fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 512];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // A response (to a slow request cut short) may come before the close.
            Ok(Ok(_)) => continue,
        }
    }
}

async fn connect(inst: &TestInstance) -> TcpStream {
    let port = inst.base.port().expect("port");
    TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect")
}

/// A connection from another loopback address (the whole of 127.0.0.0/8 is this host).
async fn connect_from(inst: &TestInstance, ip: [u8; 4]) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind((std::net::Ipv4Addr::from(ip), 0).into())
        .expect("bind");
    let port = inst.base.port().expect("port");
    socket
        .connect(([127, 0, 0, 1], port).into())
        .await
        .expect("connect")
}

/// Sends a log-in request whose body never comes in full: the request stays in flight.
async fn slow_body(s: &mut TcpStream) {
    s.write_all(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\n\
          Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
    )
    .await
    .expect("write");
}

async fn get_ok(inst: &TestInstance, path: &str) -> StatusCode {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    client
        .get(inst.base.join(path).expect("url"))
        .send()
        .await
        .map(|r| r.status())
        .unwrap_or(StatusCode::REQUEST_TIMEOUT)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_connections_are_closed_while_requests_are_served() {
    let inst = limited(64).await;
    let stats = inst.fed.to_request_data().metrics.connections.clone();

    // 200 connections that never send a byte, far past the cap of 64.
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(connect(&inst).await);
    }
    // 10 slowloris clients: a request line, then a header line every 100 ms, never the end.
    let mut slow = Vec::new();
    for _ in 0..10 {
        let mut s = connect(&inst).await;
        s.write_all(b"GET /api/v1/practices HTTP/1.1\r\nHost: localhost\r\n")
            .await
            .expect("write");
        slow.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            for _ in 0..100 {
                tick.tick().await;
                if s.write_all(b"X-Slow: 1\r\n").await.is_err() {
                    return true;
                }
            }
            false
        }));
    }

    // Normal requests are answered meanwhile.
    for _ in 0..20 {
        assert_eq!(get_ok(&inst, "/api/v1/practices").await, StatusCode::OK);
    }
    assert!(
        stats.open.load(Relaxed) <= 64,
        "open: {}",
        stats.open.load(Relaxed)
    );

    // Every slowloris is cut off by the header timeout, long before its 10 s of trickling.
    for s in slow {
        assert!(
            tokio::time::timeout(Duration::from_secs(5), s)
                .await
                .expect("slow client ended")
                .expect("task"),
            "a slow client kept its connection for 10 s"
        );
    }
    // Every idle connection is closed: the oldest to make room, the others after 1 s idle.
    for s in &mut idle {
        assert!(closed_within(s, Duration::from_secs(5)).await);
    }
    // A connection that never sent its first request is timed out like a slow one.
    assert!(stats.closed_header_timeout.load(Relaxed) >= 10);
    let closed = stats.evicted.load(Relaxed)
        + stats.closed_idle.load(Relaxed)
        + stats.closed_header_timeout.load(Relaxed);
    assert!(closed >= 210, "{closed}");
    eventually(
        Duration::from_secs(5),
        "no connection left open",
        || async { (stats.open.load(Relaxed) == 0).then_some(()) },
    )
    .await;
    assert_eq!(get_ok(&inst, "/api/v1/practices").await, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_cap_the_longest_idle_connection_makes_room() {
    let inst = limited(8).await;
    let stats = inst.fed.to_request_data().metrics.connections.clone();
    // Eight kept-alive connections, each after one answered request; the first is the oldest.
    let mut conns = Vec::new();
    for _ in 0..8 {
        let mut s = connect(&inst).await;
        s.write_all(b"GET /nodeinfo/2.1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .expect("write");
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).await.expect("response");
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{:?}", &buf[..n]);
        conns.push(s);
    }
    assert_eq!(stats.open.load(Relaxed), 8);
    // A ninth client is served: the longest-idle connection was closed for it.
    assert_eq!(get_ok(&inst, "/nodeinfo/2.1").await, StatusCode::OK);
    assert!(closed_within(&mut conns[0], Duration::from_secs(2)).await);
    for s in &mut conns[1..] {
        assert!(!closed_within(s, Duration::from_millis(100)).await);
    }
    assert!(stats.evicted.load(Relaxed) >= 1);
    assert_eq!(stats.refused.load(Relaxed), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_body_never_ends_is_answered_503() {
    let inst = limited(8).await;
    let mut s = connect(&inst).await;
    s.write_all(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\n\
          Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
    )
    .await
    .expect("write");
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .expect("answered within the request timeout")
        .expect("read");
    let head = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    assert!(head.contains("\"timeout\""), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "the timeout answer carries the security headers: {head}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_are_never_cut_off_and_one_client_cannot_take_every_connection() {
    let inst = limited(4).await;
    let stats = inst.fed.to_request_data().metrics.connections.clone();
    // One client starts four requests that stay in flight: its share of the connections.
    let mut busy = Vec::new();
    for _ in 0..4 {
        let mut s = connect_from(&inst, [127, 0, 0, 2]).await;
        slow_body(&mut s).await;
        busy.push(s);
    }
    eventually(
        Duration::from_secs(5),
        "four requests in flight",
        || async { (stats.in_flight.load(Relaxed) == 4).then_some(()) },
    )
    .await;
    // A fifth from the same client finds none of its own idle: refused at once.
    let mut fifth = connect_from(&inst, [127, 0, 0, 2]).await;
    assert!(closed_within(&mut fifth, Duration::from_secs(2)).await);
    assert_eq!(stats.refused.load(Relaxed), 1);
    // Another client fills the other four with kept-alive idle connections.
    let mut idle = Vec::new();
    for _ in 0..4 {
        let mut s = connect_from(&inst, [127, 0, 0, 3]).await;
        s.write_all(b"GET /nodeinfo/2.1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .expect("write");
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).await.expect("response");
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        idle.push(s);
    }
    // At the cap, a third client is served: an idle connection made room, not a busy one.
    assert_eq!(get_ok(&inst, "/nodeinfo/2.1").await, StatusCode::OK);
    let mut evicted = 0;
    for s in &mut idle {
        if closed_within(s, Duration::from_millis(300)).await {
            evicted += 1;
        }
    }
    assert!(evicted >= 1, "no idle connection was closed");
    // Every request in flight gets its answer: 503 at the request timeout, none cut off.
    for s in &mut busy {
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("answered")
            .expect("read");
        let head = String::from_utf8_lossy(&buf[..n]).to_string();
        assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    }
}
