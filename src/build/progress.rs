//! Progress reporting: plain lines when stderr is not a terminal, an `indicatif` bar
//! (built/total and the running builds' names) when it is.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

/// Reports what the scheduler does; shared between build threads.
pub struct Progress {
    bar: Option<ProgressBar>,
    running: Mutex<Vec<String>>,
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
            running: Mutex::new(Vec::new()),
        }
    }

    /// A build of `drv` (displayed path) named `name` starts.
    pub fn started(&self, drv: &str, name: &str) {
        match &self.bar {
            None => eprintln!("building '{drv}'..."),
            Some(bar) => {
                let msg = self.update(|r| r.push(name.to_owned()));
                bar.set_message(msg);
            }
        }
    }

    /// The build named `name` ended.
    pub fn finished(&self, name: &str) {
        if let Some(bar) = &self.bar {
            let msg = self.update(|r| {
                if let Some(i) = r.iter().position(|n| n == name) {
                    r.remove(i);
                }
            });
            bar.inc(1);
            bar.set_message(msg);
        }
    }

    fn update(&self, f: impl FnOnce(&mut Vec<String>)) -> String {
        match self.running.lock() {
            Ok(mut r) => {
                f(&mut r);
                format!("building {}", r.join(", "))
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
