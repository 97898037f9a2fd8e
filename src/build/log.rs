//! Build logs: `<state>/log/drvs/<first two characters of the .drv base name>/<rest>`,
//! plain text, plus the last lines kept in memory for error messages.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::{BuildResult, io_err};

/// How many log lines a failure shows.
pub const TAIL_LINES: usize = 10;

/// The log file of the derivation with base name `drv_base` under `log_dir`.
pub fn log_path(log_dir: &Path, drv_base: &str) -> PathBuf {
    let split = drv_base
        .char_indices()
        .nth(2)
        .map_or(drv_base.len(), |(i, _)| i);
    log_dir.join(&drv_base[..split]).join(&drv_base[split..])
}

/// A function getting every log line as well (for `-L`).
pub type Echo = Box<dyn FnMut(&str) + Send>;

/// Receives a build's output lines.
pub struct LogSink {
    file: File,
    path: PathBuf,
    tail: VecDeque<String>,
    echo: Option<Echo>,
}

impl LogSink {
    /// Creates (truncates) the log file; `echo` also gets every line (for `-L`).
    pub fn create(path: PathBuf, echo: Option<Echo>) -> BuildResult<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_err("creating", dir))?;
        }
        let file = File::create(&path).map_err(io_err("creating", &path))?;
        Ok(LogSink {
            file,
            path,
            tail: VecDeque::new(),
            echo,
        })
    }

    /// Records one line (without its newline).
    pub fn line(&mut self, line: &str) {
        // A full disk must not stop the build; the line still reaches the tail.
        let _ = writeln!(self.file, "{line}");
        if let Some(echo) = &mut self.echo {
            echo(line);
        }
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.to_owned());
    }

    /// The log file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last [`TAIL_LINES`] lines.
    pub fn tail(&self) -> Vec<String> {
        self.tail.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_splits_after_two_characters() {
        assert_eq!(
            log_path(Path::new("/l"), "abcdef-x.drv"),
            PathBuf::from("/l/ab/cdef-x.drv")
        );
    }

    #[test]
    fn keeps_last_lines() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let mut sink = LogSink::create(dir.path().join("a/b"), None)?;
        for i in 0..25 {
            sink.line(&format!("line {i}"));
        }
        let tail = sink.tail();
        assert_eq!(tail.len(), TAIL_LINES);
        assert_eq!(tail[0], "line 15");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/b"))?
                .lines()
                .count(),
            25
        );
        Ok(())
    }
}
