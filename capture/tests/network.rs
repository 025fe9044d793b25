//! Network rows: a TCP connect to a listener on 127.0.0.1, and DNS queries
//! sent over UDP to a small server on 127.0.0.1 (never anywhere else).

mod common;
use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::time::Duration;

use common::*;

#[test]
fn connect_to_a_local_listener_is_outbound_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        buf
    });
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), &[]);
    opts.target = bob_capture::Target::Command(helper_argv(&format!("connect:{port}")));
    let (summary, rows) = capture(opts);
    assert_no_drops(&summary);
    assert_eq!(server.join().unwrap(), b"hello\n");
    let connects: Vec<&Row> = of_kind(&rows, "network")
        .into_iter()
        .filter(|r| r.direction.as_deref() == Some("outbound") && r.remote_port == Some(port))
        .collect();
    assert_eq!(connects.len(), 1, "{connects:?}");
    let c = connects[0];
    assert_eq!(c.protocol.as_deref(), Some("TCP"));
    assert_eq!(c.remote_addr.as_deref(), Some("127.0.0.1"));
    assert_eq!(c.local_addr.as_deref(), Some("127.0.0.1"));
    assert_eq!(c.ret, Some(0));
    assert!(
        of_kind(&rows, "syscall")
            .iter()
            .any(|r| r.syscall.as_deref() == Some("connect"))
    );
}

#[test]
fn dns_queries_are_decoded_and_merged() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let port = server.local_addr().unwrap().port();
    let receiver = std::thread::spawn(move || {
        let mut got = 0;
        let mut buf = [0u8; 512];
        while got < 3 && server.recv_from(&mut buf).is_ok() {
            got += 1;
        }
        got
    });
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), &[]);
    opts.dns_port = port;
    opts.target =
        bob_capture::Target::Command(helper_argv(&format!("dns:{port}:api.example.com:3")));
    let (summary, rows) = capture(opts);
    assert_no_drops(&summary);
    assert_eq!(receiver.join().unwrap(), 3);
    let dns = of_kind(&rows, "dns");
    assert_eq!(
        dns.len(),
        1,
        "three equal queries merge into one row: {dns:?}"
    );
    let q = dns[0];
    assert_eq!(q.domain.as_deref(), Some("api.example.com."));
    assert_eq!(q.dns_type.as_deref(), Some("A"));
    assert_eq!(q.count, 3);
    assert_eq!(q.protocol.as_deref(), Some("UDP"));
    assert_eq!(q.remote_addr.as_deref(), Some("127.0.0.1"));
    assert_eq!(q.remote_port, Some(port));
}

#[test]
fn a_server_records_bind_listen_and_accept() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), &[]);
    opts.target = bob_capture::Target::Command(helper_argv("serve"));
    let (summary, rows) = capture(opts);
    assert_no_drops(&summary);
    let net = of_kind(&rows, "network");
    let by = |d: &str| {
        net.iter()
            .filter(|r| r.direction.as_deref() == Some(d))
            .collect::<Vec<_>>()
    };
    let bind = by("bind");
    assert_eq!(bind.len(), 1, "{net:?}");
    assert_eq!(bind[0].local_addr.as_deref(), Some("127.0.0.1"));
    assert_eq!(
        bind[0].local_port,
        Some(0),
        "bound to port 0: the kernel picks one"
    );
    let listen = by("listen");
    assert_eq!(listen.len(), 1, "{net:?}");
    let port = listen[0].local_port.unwrap();
    assert_ne!(port, 0);
    let inbound = by("inbound");
    assert_eq!(inbound.len(), 1, "{net:?}");
    assert_eq!(inbound[0].local_port, Some(port));
    assert_eq!(inbound[0].remote_addr.as_deref(), Some("127.0.0.1"));
    let outbound = by("outbound");
    assert_eq!(outbound.len(), 1, "{net:?}");
    assert_eq!(outbound[0].remote_port, Some(port));
    assert_eq!(outbound[0].remote_port, inbound[0].local_port);
    assert_eq!(inbound[0].remote_port, outbound[0].local_port);
}
