//! Blocking HTTP(S) downloads.

use std::io::Read;
use std::path::Path;

/// The largest body [`get`] accepts (a Debian `Packages.xz` is about 10 MB; the
/// uncompressed index about 100 MB).
const MAX_BODY: u64 = 1 << 30;

/// A download that failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The request failed or the server answered with an error status.
    #[error("{url}: {message}")]
    Request { url: String, message: String },
    /// Writing the downloaded file failed.
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Downloads `url` into memory.
pub fn get(url: &str) -> Result<Vec<u8>, HttpError> {
    let fail = |message: String| HttpError::Request {
        url: url.to_owned(),
        message,
    };
    let response = ureq::get(url).call().map_err(|e| fail(e.to_string()))?;
    let mut body = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_BODY)
        .read_to_end(&mut body)
        .map_err(|e| fail(e.to_string()))?;
    Ok(body)
}

/// Downloads `url` to the file `dest` (written whole, then renamed into place).
pub fn download(url: &str, dest: &Path) -> Result<(), HttpError> {
    let body = get(url)?;
    let tmp = dest.with_extension("part");
    let write_err = |source| HttpError::Write {
        path: dest.display().to_string(),
        source,
    };
    std::fs::write(&tmp, &body).map_err(write_err)?;
    std::fs::rename(&tmp, dest).map_err(write_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    #[test]
    fn downloads_from_a_local_server() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().expect("accept");
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
            );
        });
        let body = get(&format!("http://{addr}/x")).expect("get");
        assert_eq!(body, b"hello");
        server.join().expect("server");
    }

    #[test]
    fn an_unreachable_server_is_an_error() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        assert!(get(&format!("http://{addr}/x")).is_err());
    }
}
