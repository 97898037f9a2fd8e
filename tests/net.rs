//! The download client against a server on 127.0.0.1 and `file://` URLs: bodies, progress,
//! redirects, error messages users see, timeouts, and that a failed download leaves nothing.

#[path = "support/http_server.rs"]
mod http_server;

use std::time::Duration;

use http_server::Server;
use sysrebuild::net::{self, Client, NetError, Progress};

fn served(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    for (name, data) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    let server = Server::start(dir.path().to_owned());
    (dir, server)
}

#[test]
fn downloads_a_file_with_progress_and_no_leftovers() {
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let (dir, server) = served(&[("big.bin", &data)]);
    let dest = dir.path().join("out.bin");
    let mut seen = Vec::new();
    let n = net::download(&server.url("/big.bin"), &dest, &mut |p| seen.push(p)).unwrap();
    assert_eq!(n, data.len() as u64);
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert_eq!(
        seen.first(),
        Some(&Progress {
            done: 0,
            total: Some(300_000)
        })
    );
    assert_eq!(
        seen.last(),
        Some(&Progress {
            done: 300_000,
            total: Some(300_000)
        })
    );
    assert!(
        seen.len() > 2,
        "progress is reported while the data arrives"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 2, "only big.bin and out.bin: {names:?}");
}

#[test]
fn follows_redirects() {
    let (_dir, server) = served(&[("a/b.txt", b"hello")]);
    assert_eq!(
        net::get_bytes(&server.url("/redirect/a/b.txt")).unwrap(),
        b"hello"
    );
}

#[test]
fn http_errors_name_the_url_and_status_and_write_nothing() {
    let (dir, server) = served(&[]);
    let url = server.url("/missing.tar.gz");
    let dest = dir.path().join("out");
    let err = net::download(&url, &dest, &mut |_| {}).unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        err.to_string(),
        format!("unable to download '{url}': HTTP error 404")
    );
    assert!(!dest.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn connection_refused_names_the_url() {
    // Bind and drop a listener to find a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/x");
    let err = net::get_bytes(&url).unwrap_err();
    assert!(!err.is_not_found());
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("unable to download '{url}': ")),
        "{text}"
    );
    assert!(text.to_lowercase().contains("refused"), "{text}");
}

#[test]
fn a_stalled_transfer_times_out_and_leaves_nothing() {
    let (dir, server) = served(&[]);
    let client = Client::new(Duration::from_secs(5), Duration::from_millis(300));
    let dest = dir.path().join("out");
    let started = std::time::Instant::now();
    let err = client
        .download(&server.url("/stall"), &dest, &mut |_| {})
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(matches!(err, NetError::Transfer { .. }), "{err}");
    assert!(!dest.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn file_urls_go_through_the_same_entry_point() {
    let (dir, _server) = served(&[("with space.txt", b"local")]);
    let url = format!("file://{}/with%20space.txt", dir.path().display());
    assert_eq!(net::get_bytes(&url).unwrap(), b"local");
    let dest = dir.path().join("copy");
    let mut last = None;
    net::download(&url, &dest, &mut |p| last = Some(p)).unwrap();
    assert_eq!(std::fs::read(dest).unwrap(), b"local");
    assert_eq!(
        last,
        Some(Progress {
            done: 5,
            total: Some(5)
        })
    );
}
