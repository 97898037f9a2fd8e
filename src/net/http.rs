//! The client: `http://` and `https://` through `ureq` (rustls for TLS, with the webpki
//! roots, so nothing depends on the host's OpenSSL), `file://` through the file system,
//! behind one entry point ([`Client::open`]) that hands out a streaming [`Body`].

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::time::Duration;

use super::error::{NetError, describe};

/// How long to wait for a connection (DNS, TCP and TLS) by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a transfer may stall (no byte received) by default before it is abandoned.
/// Large downloads are not limited in total, only in how long they may stall.
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(60);
/// How many redirects are followed.
pub const MAX_REDIRECTS: u32 = 10;

/// A downloader. Cheap to clone; connections are pooled per client.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    stall_timeout: Duration,
}

impl Default for Client {
    fn default() -> Self {
        Client::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_STALL_TIMEOUT)
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("stall_timeout", &self.stall_timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client that gives up connecting after `connect` and abandons a transfer that
    /// stalls (receives nothing) for `stall`.
    pub fn new(connect: Duration, stall: Duration) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(MAX_REDIRECTS)
            .timeout_connect(Some(connect))
            .timeout_per_read(Some(stall))
            .timeout_recv_response(Some(stall))
            .user_agent(concat!("sysrebuild/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: config.new_agent(),
            stall_timeout: stall,
        }
    }

    /// Starts fetching `url` (`http://`, `https://` or `file://`) and returns its body as a
    /// stream. Redirects are followed; an error status is [`NetError::Http`].
    pub fn open(&self, url: &str) -> Result<Body, NetError> {
        if let Some(rest) = url.strip_prefix("file://") {
            return open_file(url, rest);
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(NetError::BadUrl {
                url: url.to_owned(),
                reason: "only http://, https:// and file:// URLs are supported".to_owned(),
            });
        }
        let response = self
            .agent
            .get(url)
            .call()
            .map_err(|e| self.transfer_error(url, e))?;
        let status = response.status().as_u16();
        if status >= 300 {
            return Err(NetError::Http {
                url: url.to_owned(),
                status,
            });
        }
        let body = response.into_body();
        let len = body.content_length();
        Ok(Body {
            url: url.to_owned(),
            len,
            reader: Box::new(body.into_reader()),
        })
    }

    fn transfer_error(&self, url: &str, e: ureq::Error) -> NetError {
        let reason = match e {
            ureq::Error::Io(io) => describe(&io),
            ureq::Error::Timeout(_) => {
                format!("timed out after {} s", self.stall_timeout.as_secs_f32())
            }
            ureq::Error::HostNotFound => "could not resolve the host name".to_owned(),
            ureq::Error::TooManyRedirects => {
                format!("more than {MAX_REDIRECTS} redirects")
            }
            ureq::Error::BadUri(u) => {
                return NetError::BadUrl {
                    url: url.to_owned(),
                    reason: format!("invalid URL ({u})"),
                };
            }
            other => other.to_string(),
        };
        NetError::Transfer {
            url: url.to_owned(),
            reason,
        }
    }
}

/// A response body being received.
pub struct Body {
    url: String,
    len: Option<u64>,
    reader: Box<dyn Read + Send>,
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Body")
            .field("url", &self.url)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl Body {
    /// The length announced by the server (or the file's size), if any.
    pub fn len(&self) -> Option<u64> {
        self.len
    }

    /// Whether the body is announced as empty.
    pub fn is_empty(&self) -> bool {
        self.len == Some(0)
    }

    /// The URL the body comes from.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The error to report for an I/O failure while reading this body.
    pub fn read_error(&self, e: &io::Error) -> NetError {
        NetError::Transfer {
            url: self.url.clone(),
            reason: describe(e),
        }
    }
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

fn open_file(url: &str, rest: &str) -> Result<Body, NetError> {
    // `file:///p` and `file://localhost/p` name `/p`; any other host is not local.
    let path = match rest.strip_prefix("localhost") {
        Some(p) if p.starts_with('/') => p,
        _ if rest.starts_with('/') => rest,
        _ => {
            return Err(NetError::BadUrl {
                url: url.to_owned(),
                reason: "a file:// URL must name an absolute local path".to_owned(),
            });
        }
    };
    let path = PathBuf::from(percent_decode(path));
    let file_error = |source| NetError::File {
        url: url.to_owned(),
        source,
    };
    let file = File::open(&path).map_err(file_error)?;
    let meta = file.metadata().map_err(file_error)?;
    if meta.is_dir() {
        return Err(NetError::File {
            url: url.to_owned(),
            source: io::Error::from(io::ErrorKind::IsADirectory),
        });
    }
    Ok(Body {
        url: url.to_owned(),
        len: Some(meta.len()),
        reader: Box::new(file),
    })
}

/// Decodes `%XX` escapes; anything that is not a valid escape is kept as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("/a%20b/c%2"), "/a b/c%2");
        assert_eq!(percent_decode("/x%zz%41"), "/x%zzA");
        assert_eq!(percent_decode("%41"), "A");
    }

    #[test]
    fn file_urls_must_be_absolute() {
        let c = Client::default();
        assert!(matches!(
            c.open("file://host/x"),
            Err(NetError::BadUrl { .. })
        ));
        assert!(matches!(c.open("ftp://x/y"), Err(NetError::BadUrl { .. })));
        let missing = c.open("file:///no/such/file").unwrap_err();
        assert!(missing.is_not_found());
        assert_eq!(
            missing.to_string(),
            "unable to download 'file:///no/such/file': No such file or directory"
        );
    }
}
