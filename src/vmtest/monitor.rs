//! The QEMU monitor, spoken as QMP (JSON lines) over a unix socket: key presses, screen
//! dumps, network links, reset and quit.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use thiserror::Error;

/// A failed monitor command.
#[derive(Debug, Error)]
pub enum MonitorError {
    /// The socket could not be used.
    #[error("QEMU monitor: {0}")]
    Io(#[from] std::io::Error),
    /// QEMU answered with an error.
    #[error("QEMU monitor: `{command}` failed: {message}")]
    Command {
        /// The command.
        command: String,
        /// QEMU's description.
        message: String,
    },
    /// QEMU's reply was not QMP.
    #[error("QEMU monitor: unexpected reply {0}")]
    Protocol(String),
}

/// A QMP connection to one QEMU process.
pub struct Monitor {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Monitor {
    /// Connects to the QMP socket at `path` and leaves capabilities negotiation mode.
    pub fn connect(path: &Path) -> Result<Self, MonitorError> {
        let stream = UnixStream::connect(path)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut monitor = Monitor {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        };
        let greeting = monitor.read_message()?;
        if greeting.get("QMP").is_none() {
            return Err(MonitorError::Protocol(greeting.to_string()));
        }
        monitor.execute("qmp_capabilities", json!({}))?;
        Ok(monitor)
    }

    /// Runs a QMP command and returns its `return` value (asynchronous events are skipped).
    pub fn execute(&mut self, command: &str, arguments: Value) -> Result<Value, MonitorError> {
        let request = json!({ "execute": command, "arguments": arguments });
        writeln!(self.writer, "{request}")?;
        self.writer.flush()?;
        loop {
            let reply = self.read_message()?;
            if let Some(ret) = reply.get("return") {
                return Ok(ret.clone());
            }
            if let Some(err) = reply.get("error") {
                let message = err
                    .get("desc")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown error")
                    .to_owned();
                return Err(MonitorError::Command {
                    command: command.to_owned(),
                    message,
                });
            }
            // Anything else is an event ({"event": …}); wait for our reply.
        }
    }

    /// Runs a human monitor (HMP) command, such as `sendkey ctrl-alt-delete`, and returns
    /// its text output.
    pub fn human(&mut self, command_line: &str) -> Result<String, MonitorError> {
        let out = self.execute(
            "human-monitor-command",
            json!({ "command-line": command_line }),
        )?;
        let text = out.as_str().unwrap_or_default().to_owned();
        // HMP reports its errors as text.
        if !text.trim().is_empty() {
            return Err(MonitorError::Command {
                command: command_line.to_owned(),
                message: text.trim().to_owned(),
            });
        }
        Ok(text)
    }

    fn read_message(&mut self) -> Result<Value, MonitorError> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(MonitorError::Io(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed",
            )));
        }
        serde_json::from_str(&line).map_err(|_| MonitorError::Protocol(line.trim().to_owned()))
    }
}

/// QEMU key names (`sendkey`) typing `c`, or `None` for characters without a key.
pub fn key_for_char(c: char) -> Option<String> {
    let named = match c {
        ' ' => "spc",
        '\n' => "ret",
        '\t' => "tab",
        '-' => "minus",
        '=' => "equal",
        '[' => "bracket_left",
        ']' => "bracket_right",
        ';' => "semicolon",
        '\'' => "apostrophe",
        '`' => "grave_accent",
        '\\' => "backslash",
        ',' => "comma",
        '.' => "dot",
        '/' => "slash",
        '_' => "shift-minus",
        '+' => "shift-equal",
        '{' => "shift-bracket_left",
        '}' => "shift-bracket_right",
        ':' => "shift-semicolon",
        '"' => "shift-apostrophe",
        '~' => "shift-grave_accent",
        '|' => "shift-backslash",
        '<' => "shift-comma",
        '>' => "shift-dot",
        '?' => "shift-slash",
        '!' => "shift-1",
        '@' => "shift-2",
        '#' => "shift-3",
        '$' => "shift-4",
        '%' => "shift-5",
        '^' => "shift-6",
        '&' => "shift-7",
        '*' => "shift-8",
        '(' => "shift-9",
        ')' => "shift-0",
        c if c.is_ascii_lowercase() || c.is_ascii_digit() => return Some(c.to_string()),
        c if c.is_ascii_uppercase() => return Some(format!("shift-{}", c.to_ascii_lowercase())),
        _ => return None,
    };
    Some(named.to_owned())
}

#[cfg(test)]
mod tests {
    use super::key_for_char;

    #[test]
    fn characters_map_to_qemu_keys() {
        assert_eq!(key_for_char('a').as_deref(), Some("a"));
        assert_eq!(key_for_char('Q').as_deref(), Some("shift-q"));
        assert_eq!(key_for_char(' ').as_deref(), Some("spc"));
        assert_eq!(key_for_char('\n').as_deref(), Some("ret"));
        assert_eq!(key_for_char('|').as_deref(), Some("shift-backslash"));
        assert_eq!(key_for_char('é'), None);
    }
}
