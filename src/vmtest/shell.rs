//! The backdoor protocol: running commands in a guest's root shell and reading back their
//! output and exit status, framed so that nothing a command prints can be mistaken for the
//! end of its output.
//!
//! The guest's backdoor runs `sh` on a console (a virtio console in VMs, `/dev/hvc0`) after
//! printing the line [`READY_LINE`]. For each command the driver sends
//!
//! ```text
//! printf '%s-%s\n' MAGIC begin
//! { st=$( { { ( COMMAND
//! ) 2>&1 </dev/null 3>&- 4>&-; echo $? >&4; } | base64 >&3; } 4>&1 ); } 3>&1
//! printf '%s-%s %s\n' MAGIC end "$st"
//! ```
//!
//! where MAGIC is random per command: stdout and stderr are merged and base64-encoded (so
//! binary output, or output without a final newline, cannot break the framing), the exit
//! status travels on its own descriptor, and the end marker is printed only after the
//! encoder is done. The markers are assembled by `printf` so that a terminal echoing the
//! input never shows them. Commands read `/dev/null`, never the protocol's own input, and
//! do not inherit the protocol's descriptors 3 and 4: a daemon the command starts (which
//! redirects its output) would otherwise hold the status pipe open and the reply would
//! wait for the daemon's end.

use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use thiserror::Error;

/// The line the guest's backdoor prints when its shell is ready for commands.
pub const READY_LINE: &str = "sysrebuild-backdoor: ready";

/// What went wrong talking to a backdoor shell.
#[derive(Debug, Error)]
pub enum ShellError {
    /// The command did not finish in time; the shell is still running it.
    #[error("command `{command}` did not finish within {}", seconds(*.timeout))]
    Timeout {
        /// The command.
        command: String,
        /// The time it was given.
        timeout: Duration,
    },
    /// The backdoor did not announce itself in time.
    #[error("the backdoor shell did not become ready within {}", seconds(*.0))]
    NotReady(Duration),
    /// The connection ended (the VM stopped or the shell exited).
    #[error("the backdoor shell's connection closed{}", while_running(.0))]
    Closed(Option<String>),
    /// Writing to the shell failed.
    #[error("cannot write to the backdoor shell: {0}")]
    Write(#[source] std::io::Error),
    /// The guest sent something the protocol does not allow.
    #[error("garbled reply from the backdoor shell for `{command}`: {detail}")]
    Garbled {
        /// The command.
        command: String,
        /// What was wrong.
        detail: String,
    },
}

/// A duration for messages: whole seconds when it is within 50 ms of one (`300s`, though
/// a deadline left it at 299.99), else tenths (`2.5s`).
pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if (s - s.round()).abs() < 0.05 {
        format!("{}s", s.round())
    } else {
        format!("{s:.1}s")
    }
}

fn while_running(command: &Option<String>) -> String {
    match command {
        Some(c) => format!(" while running `{c}`"),
        None => String::new(),
    }
}

/// A command's result: its exit status and its merged stdout and stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The exit status (128 + N when killed by signal N, as the shell reports it).
    pub status: i32,
    /// Everything the command wrote to stdout and stderr, in order.
    pub output: Vec<u8>,
}

impl Output {
    /// The output as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output).into_owned()
    }
}

/// A connection to a backdoor shell over any byte stream (a socket to QEMU, or pipes to a
/// local `sh` in tests).
pub struct Shell {
    writer: Box<dyn Write + Send>,
    lines: Receiver<Vec<u8>>,
    /// Set once the reading side has seen the end of the stream.
    closed: bool,
    ready: bool,
}

impl Shell {
    /// Wraps a stream: `reader` is drained by a background thread into complete lines.
    pub fn new(reader: impl Read + Send + 'static, writer: impl Write + Send + 'static) -> Self {
        let (tx, rx) = channel();
        std::thread::spawn(move || read_lines(reader, tx));
        Shell {
            writer: Box::new(writer),
            lines: rx,
            closed: false,
            ready: false,
        }
    }

    /// Waits until the guest prints [`READY_LINE`] (the backdoor prints it once its console
    /// is in raw mode without echo, just before running the shell).
    pub fn wait_ready(&mut self, timeout: Duration) -> Result<(), ShellError> {
        if self.ready {
            return Ok(());
        }
        let deadline = Instant::now() + timeout;
        loop {
            let line = self.next_line(deadline).map_err(|e| match e {
                ShellError::Timeout { .. } => ShellError::NotReady(timeout),
                other => other,
            })?;
            if trim_cr(&line) == READY_LINE.as_bytes() {
                break;
            }
        }
        self.ready = true;
        Ok(())
    }

    /// Forgets that the shell was ready: after a reboot, [`Shell::wait_ready`] waits for the
    /// new shell's announcement.
    pub fn expect_restart(&mut self) {
        self.ready = false;
    }

    /// Runs `command` (a shell command line; may span lines) and returns its status and
    /// output, or [`ShellError::Timeout`] when it takes longer than `timeout`.
    ///
    /// After a timeout the shell is still busy with the command: later commands run once it
    /// ends (their replies are told apart by their own markers).
    pub fn run(&mut self, command: &str, timeout: Duration) -> Result<Output, ShellError> {
        if self.closed {
            return Err(ShellError::Closed(Some(command.to_owned())));
        }
        let magic = format!("SRMAGIC{:016x}", random_u64());
        let begin = format!("{magic}-begin");
        let end_prefix = format!("{magic}-end ");
        let script = format!(
            "printf '%s-%s\\n' {magic} begin\n\
             {{ st=$( {{ {{ ( {command}\n) 2>&1 </dev/null 3>&- 4>&-; echo $? >&4; }} | base64 >&3; }} 4>&1 ); }} 3>&1\n\
             printf '%s-%s %s\\n' {magic} end \"$st\"\n"
        );
        self.writer
            .write_all(script.as_bytes())
            .and_then(|()| self.writer.flush())
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset => {
                    ShellError::Closed(Some(command.to_owned()))
                }
                _ => ShellError::Write(e),
            })?;
        let deadline = Instant::now() + timeout;
        let timed = |e: ShellError| match e {
            ShellError::Timeout { .. } => ShellError::Timeout {
                command: command.to_owned(),
                timeout,
            },
            ShellError::Closed(_) => ShellError::Closed(Some(command.to_owned())),
            other => other,
        };
        // Skip whatever precedes our begin marker (echo, replies to timed-out commands).
        loop {
            let line = self.next_line(deadline).map_err(timed)?;
            if trim_cr(&line) == begin.as_bytes() {
                break;
            }
        }
        let mut encoded = String::new();
        loop {
            let line = self.next_line(deadline).map_err(timed)?;
            let line = String::from_utf8_lossy(trim_cr(&line)).into_owned();
            if let Some(status) = line.strip_prefix(&end_prefix) {
                let status = status
                    .trim()
                    .parse::<i32>()
                    .map_err(|_| ShellError::Garbled {
                        command: command.to_owned(),
                        detail: format!("bad exit status {status:?}"),
                    })?;
                let output = decode_base64(&encoded).ok_or_else(|| ShellError::Garbled {
                    command: command.to_owned(),
                    detail: "output is not valid base64".into(),
                })?;
                return Ok(Output { status, output });
            }
            encoded.push_str(line.trim());
        }
    }

    fn next_line(&mut self, deadline: Instant) -> Result<Vec<u8>, ShellError> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.lines.recv_timeout(left) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => Err(ShellError::Timeout {
                command: String::new(),
                timeout: left,
            }),
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = true;
                Err(ShellError::Closed(None))
            }
        }
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    let mut l = line;
    while let [rest @ .., b'\r'] = l {
        l = rest;
    }
    l
}

fn read_lines(mut reader: impl Read, tx: Sender<Vec<u8>>) {
    let mut buf = [0u8; 8192];
    let mut line = Vec::new();
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                if tx.send(std::mem::take(&mut line)).is_err() {
                    return;
                }
            } else {
                line.push(b);
            }
        }
    }
}

/// Decodes base64 that may be split over lines (as `base64` prints it).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    crate::store::base64::decode(&compact).ok()
}

/// A random number for markers and names (from the standard library's hash seeds).
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Child, Command, Stdio};

    /// A local `sh` speaking the backdoor protocol over pipes.
    fn local_shell() -> (Shell, Child) {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("echo booting; echo '{READY_LINE}'; exec sh"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh runs");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let mut shell = Shell::new(stdout, stdin);
        shell.wait_ready(Duration::from_secs(10)).expect("ready");
        (shell, child)
    }

    const T: Duration = Duration::from_secs(10);

    #[test]
    fn output_and_exit_status_are_framed() {
        let (mut sh, _child) = local_shell();
        let out = sh.run("echo hello; echo err >&2; exit 3", T).unwrap();
        assert_eq!(out.status, 3);
        assert_eq!(out.text(), "hello\nerr\n");
        let out = sh.run("true", T).unwrap();
        assert_eq!(
            out,
            Output {
                status: 0,
                output: vec![]
            }
        );
    }

    #[test]
    fn output_without_final_newline_and_binary_output_survive() {
        let (mut sh, _child) = local_shell();
        let out = sh.run("printf 'no newline'", T).unwrap();
        assert_eq!(out.output, b"no newline");
        let out = sh.run("printf '\\000\\377\\n\\r\\n'", T).unwrap();
        assert_eq!(out.output, b"\0\xff\n\r\n");
        // Text that looks like a marker is only data.
        let out = sh
            .run("printf 'SRMAGIC0000000000000000-end 0\\n'", T)
            .unwrap();
        assert_eq!(out.text(), "SRMAGIC0000000000000000-end 0\n");
    }

    #[test]
    fn multi_line_commands_run_in_a_fresh_subshell() {
        let (mut sh, _child) = local_shell();
        let out = sh.run("X=42\ncd /\necho $X; pwd", T).unwrap();
        assert_eq!(out.text(), "42\n/\n");
        // Each command runs in a subshell: variables and directories do not leak.
        let out = sh.run("echo \"[$X]\"; pwd", T).unwrap();
        assert_ne!(out.text(), "[42]\n/\n");
        // Commands cannot eat the protocol's input.
        let out = sh.run("cat", T).unwrap();
        assert_eq!(
            out,
            Output {
                status: 0,
                output: vec![]
            }
        );
    }

    #[test]
    fn large_output() {
        let (mut sh, _child) = local_shell();
        let out = sh.run("seq 1 100000", T).unwrap();
        assert_eq!(out.output.iter().filter(|&&b| b == b'\n').count(), 100000);
    }

    #[test]
    fn a_command_that_never_ends_times_out_and_the_shell_recovers() {
        let (mut sh, _child) = local_shell();
        let start = Instant::now();
        let err = sh.run("sleep 3", Duration::from_millis(300)).unwrap_err();
        assert!(matches!(err, ShellError::Timeout { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("command `sleep 3` did not finish within 0.3s"),
            "{err}"
        );
        assert!(start.elapsed() < Duration::from_secs(2));
        // The next command's reply is found after the late one.
        let out = sh.run("echo after", T).unwrap();
        assert_eq!(out.text(), "after\n");
    }

    #[test]
    fn a_command_leaving_a_daemon_behind_returns_at_once() {
        let (mut sh, _child) = local_shell();
        let start = Instant::now();
        let out = sh.run("sleep 5 >/dev/null 2>&1 & echo started", T).unwrap();
        assert_eq!((out.status, out.text().as_str()), (0, "started\n"));
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn a_closed_shell_is_an_error_not_a_hang() {
        let (mut sh, mut child) = local_shell();
        // `exit` runs in a subshell: it ends the command, not the backdoor.
        assert_eq!(sh.run("exit 4", T).unwrap().status, 4);
        child.kill().unwrap();
        let _ = child.wait();
        assert!(matches!(
            sh.run("true", T).unwrap_err(),
            ShellError::Closed(_)
        ));
    }

    #[test]
    fn not_ready_times_out() {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("sleep 5")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut sh = Shell::new(child.stdout.take().unwrap(), child.stdin.take().unwrap());
        let err = sh.wait_ready(Duration::from_millis(200)).unwrap_err();
        assert!(matches!(err, ShellError::NotReady(_)));
        assert_eq!(
            err.to_string(),
            "the backdoor shell did not become ready within 0.2s"
        );
        let _ = child.kill();
        let _ = child.wait();
    }
}
