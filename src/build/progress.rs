//! Progress reporting: plain lines when stderr is not a terminal, an `indicatif` bar
//! (built/total, the running builds' names and the running downloads' bytes) when it is.
//!
//! Downloads (`builtin:fetchurl`, `builtin:fetch-deb`) report through
//! [`Progress::download_started`], [`Progress::download_progress`] and
//! [`Progress::download_finished`]: on a terminal the bar shows `fetching NAME 1.2
//! MiB/3.4 MiB` for each; otherwise a line is printed when a download starts, at each
//! quarter of a download of known size, and when it ends.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{HumanBytes, ProgressBar, ProgressStyle};

/// Identifies a running download within one [`Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DownloadId(u64);

/// One running download.
struct Download {
    url: String,
    done: u64,
    total: Option<u64>,
    /// Quarters already reported as plain lines.
    quarters: u64,
}

/// What is running, for the bar's message.
#[derive(Default)]
struct Running {
    builds: Vec<String>,
    downloads: BTreeMap<DownloadId, Download>,
    next_download: u64,
}

impl Running {
    fn message(&self) -> String {
        let mut parts = Vec::new();
        if !self.builds.is_empty() {
            parts.push(format!("building {}", self.builds.join(", ")));
        }
        for d in self.downloads.values() {
            let name = d.url.rsplit('/').next().unwrap_or(&d.url);
            parts.push(match d.total {
                Some(total) => format!(
                    "fetching {name} {}/{}",
                    HumanBytes(d.done),
                    HumanBytes(total)
                ),
                None => format!("fetching {name} {}", HumanBytes(d.done)),
            });
        }
        parts.join("; ")
    }
}

/// Reports what the scheduler does; shared between build threads.
pub struct Progress {
    bar: Option<ProgressBar>,
    running: Mutex<Running>,
}

impl Progress {
    /// A reporter for `total` builds; a bar only if stderr is a terminal.
    pub fn new(total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template("[{pos}/{len} built] {wide_msg}") {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            running: Mutex::new(Running::default()),
        }
    }

    /// A build of `drv` (displayed path) named `name` starts.
    pub fn started(&self, drv: &str, name: &str) {
        match &self.bar {
            None => eprintln!("building '{drv}'..."),
            Some(bar) => {
                let msg = self.update(|r| r.builds.push(name.to_owned()));
                bar.set_message(msg);
            }
        }
    }

    /// The build named `name` ended.
    pub fn finished(&self, name: &str) {
        if let Some(bar) = &self.bar {
            let msg = self.update(|r| {
                if let Some(i) = r.builds.iter().position(|n| n == name) {
                    r.builds.remove(i);
                }
            });
            bar.inc(1);
            bar.set_message(msg);
        }
    }

    /// A download of `url` starts; returns the handle for its progress.
    pub fn download_started(&self, url: &str) -> DownloadId {
        if self.bar.is_none() {
            eprintln!("downloading '{url}'...");
        }
        let mut id = DownloadId(0);
        let msg = self.update(|r| {
            id = DownloadId(r.next_download);
            r.next_download += 1;
            r.downloads.insert(
                id,
                Download {
                    url: url.to_owned(),
                    done: 0,
                    total: None,
                    quarters: 0,
                },
            );
        });
        if let Some(bar) = &self.bar {
            bar.set_message(msg);
        }
        id
    }

    /// The download `id` has received `done` bytes of `total` (if the size is known).
    pub fn download_progress(&self, id: DownloadId, done: u64, total: Option<u64>) {
        let mut line = None;
        let msg = self.update(|r| {
            if let Some(d) = r.downloads.get_mut(&id) {
                d.done = done;
                d.total = total;
                if let Some(total) = total.filter(|&t| t > 0) {
                    let quarters = (done.min(total) * 4 / total).min(3);
                    if quarters > d.quarters {
                        d.quarters = quarters;
                        line = Some(format!(
                            "  '{}': {} of {}",
                            d.url,
                            HumanBytes(done),
                            HumanBytes(total)
                        ));
                    }
                }
            }
        });
        match (&self.bar, line) {
            (Some(bar), _) => bar.set_message(msg),
            (None, Some(line)) => eprintln!("{line}"),
            (None, None) => {}
        }
    }

    /// The download `id` ended: with `Some(bytes)` received, or `None` when it failed
    /// (the failure is reported by whoever asked for it).
    pub fn download_finished(&self, id: DownloadId, bytes: Option<u64>) {
        let mut url = String::new();
        let msg = self.update(|r| {
            if let Some(d) = r.downloads.remove(&id) {
                url = d.url;
            }
        });
        match (&self.bar, bytes) {
            (Some(bar), _) => bar.set_message(msg),
            (None, Some(n)) => eprintln!("downloaded '{url}' ({})", HumanBytes(n)),
            (None, None) => {}
        }
    }

    fn update(&self, f: impl FnOnce(&mut Running)) -> String {
        match self.running.lock() {
            Ok(mut r) => {
                f(&mut r);
                r.message()
            }
            Err(_) => String::new(),
        }
    }

    /// Prints a line (a log line with `-L`, a note) without breaking the bar.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// A function printing lines like [`Progress::println`], for a build's log echo.
    pub fn line_printer(&self) -> impl Fn(&str) + Send + 'static {
        let bar = self.bar.clone();
        move |line: &str| match &bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_shows_builds_and_download_bytes() {
        let p = Progress {
            bar: None,
            running: Mutex::new(Running::default()),
        };
        p.update(|r| r.builds.push("hello-2.12".into()));
        let a = p.download_started("http://127.0.0.1/pool/hello.deb");
        let b = p.download_started("file:///srv/x.tar.xz");
        p.download_progress(a, 1536, Some(4096));
        p.download_progress(b, 2 << 20, None);
        assert_eq!(
            p.update(|_| {}),
            "building hello-2.12; fetching hello.deb 1.50 KiB/4.00 KiB; fetching x.tar.xz 2.00 MiB"
        );
        p.download_finished(a, Some(4096));
        p.download_finished(b, None);
        assert_eq!(p.update(|_| {}), "building hello-2.12");
    }
}
