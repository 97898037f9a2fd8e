//! The driver's errors: each names the node and says what was expected and what happened.

use std::time::Duration;

use thiserror::Error;

/// A failed driver operation.
#[derive(Debug, Error)]
pub enum VmError {
    /// `succeed`/`fail` saw the wrong exit status.
    #[error(
        "{node}: command `{command}` was expected to {expected} but exited with status {status}; its output:\n{output}"
    )]
    CommandFailed {
        /// The node.
        node: String,
        /// The command.
        command: String,
        /// `succeed` or `fail`.
        expected: String,
        /// The exit status.
        status: i32,
        /// Its stdout and stderr.
        output: String,
    },
    /// A `wait_*` operation ran out of time.
    #[error("{node}: timed out after {} waiting for {what}{}", super::shell::seconds(*.timeout), last_seen(.last))]
    WaitTimeout {
        /// The node.
        node: String,
        /// What was awaited.
        what: String,
        /// The time it was given.
        timeout: Duration,
        /// The last result seen.
        last: String,
    },
    /// A unit entered the `failed` state.
    #[error("{node}: unit {unit} failed; its journal:\n{journal}")]
    UnitFailed {
        /// The node.
        node: String,
        /// The unit.
        unit: String,
        /// The end of its journal.
        journal: String,
    },
    /// The backdoor shell failed.
    #[error("{node}: {source}")]
    Shell {
        /// The node.
        node: String,
        /// What happened.
        source: super::shell::ShellError,
    },
    /// The QEMU monitor failed.
    #[error("{node}: {source}")]
    Monitor {
        /// The node.
        node: String,
        /// What happened.
        source: super::monitor::MonitorError,
    },
    /// A host-side file or process operation failed.
    #[error("{node}: cannot {what}: {source}")]
    Io {
        /// The node.
        node: String,
        /// The operation.
        what: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The operation needs a running VM.
    #[error("{node}: the machine is not running")]
    NotRunning {
        /// The node.
        node: String,
    },
    /// QEMU stopped unexpectedly.
    #[error("{node}: {message}")]
    Stopped {
        /// The node.
        node: String,
        /// What happened.
        message: String,
    },
    /// An argument the operation cannot use.
    #[error("{node}: {message}")]
    BadArgument {
        /// The node.
        node: String,
        /// What is wrong.
        message: String,
    },
}

fn last_seen(last: &str) -> String {
    if last.is_empty() {
        String::new()
    } else {
        format!("; last result: {last}")
    }
}
