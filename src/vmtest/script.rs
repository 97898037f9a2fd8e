//! The test script language: one step per line, `NODE: COMMAND ARGS` or a global command.
//!
//! ```text
//! # Boot everything, then check the web server from the client.
//! start_all
//! web: wait_for_unit nginx.service
//! web: wait_for_open_port 80
//! client: wait_until_succeeds --timeout 60 curl -f http://web/
//! client: fail curl -f http://web:81/
//! ```
//!
//! Blank lines and lines starting with `#` are ignored; a line ending in a backslash
//! continues on the next one (the backslash and newline reach the guest's shell as they are).
//! Waiting commands take `--timeout SECONDS` right after their name. The commands are listed
//! in `vm-tests/README.md`; [`parse`] reports a bad line as `FILE:LINE: message`.

use std::time::Duration;

use thiserror::Error;

/// The default limit of `wait_*` commands (the test's global timeout still applies).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(900);

/// A script line that cannot be understood.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{file}:{line}: {message}")]
pub struct ScriptError {
    /// The script's file (or the test file it came from).
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// One step of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based line number where the step starts.
    pub line: usize,
    /// The line's text (continuations joined), for messages.
    pub text: String,
    /// What to do.
    pub action: Action,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Starts every node (booting them in parallel) and waits for their shells.
    StartAll,
    /// Waits on the host.
    Sleep(Duration),
    /// A command for one node.
    Node {
        /// The node's name.
        node: String,
        /// The command.
        command: NodeCommand,
    },
}

/// A command run against one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeCommand {
    /// Starts the node and waits for its shell.
    Start,
    /// Runs a shell command that must exit with status 0.
    Succeed(String),
    /// Runs a shell command that must exit with a non-zero status.
    Fail(String),
    /// Runs a shell command and prints its status and output.
    Execute(String),
    /// Repeats a shell command until it succeeds.
    WaitUntilSucceeds(String, Duration),
    /// Repeats a shell command until it fails.
    WaitUntilFails(String, Duration),
    /// Waits until a systemd unit is active.
    WaitForUnit(String, Duration),
    /// Waits until a TCP port is open.
    WaitForOpenPort(u16, Duration),
    /// Waits until a file exists.
    WaitForFile(String, Duration),
    /// Waits until the serial console matches a POSIX extended regular expression.
    WaitForConsoleText(String, Duration),
    /// Presses QEMU keys (`ctrl-alt-delete ret`).
    SendKeys(String),
    /// Types text (`\n` is Enter).
    SendChars(String),
    /// Saves the screen as a PNG (relative paths are under the test's output directory).
    Screenshot(String),
    /// Copies a guest file to the host.
    CopyFromVm(String, String),
    /// Copies a host file into the guest.
    CopyToVm(String, String),
    /// Powers off cleanly.
    Shutdown,
    /// Stops QEMU at once.
    Crash,
    /// Reboots and waits for the shell.
    Reboot,
    /// Takes the network link down.
    Block,
    /// Brings the network link up.
    Unblock,
}

/// Parses a whole script; `nodes` are the test's node names.
pub fn parse(text: &str, file: &str, nodes: &[String]) -> Result<Vec<Step>, ScriptError> {
    let mut steps = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, raw)) = lines.next() {
        let start = i + 1;
        let mut line = raw.to_owned();
        while line.ends_with('\\') {
            match lines.next() {
                Some((_, next)) => {
                    line.push('\n');
                    line.push_str(next);
                }
                None => break,
            }
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let err = |message: String| ScriptError {
            file: file.to_owned(),
            line: start,
            message,
        };
        let action = parse_line(trimmed, nodes).map_err(err)?;
        steps.push(Step {
            line: start,
            text: trimmed.to_owned(),
            action,
        });
    }
    Ok(steps)
}

/// Parses one step (also used for the interactive prompt).
pub fn parse_line(line: &str, nodes: &[String]) -> Result<Action, String> {
    let (verb, rest) = split_word(line);
    match verb {
        "start_all" => {
            no_argument(verb, rest)?;
            return Ok(Action::StartAll);
        }
        "sleep" => {
            let secs: f64 = rest
                .trim()
                .parse()
                .map_err(|_| format!("`sleep` needs a number of seconds, not {:?}", rest.trim()))?;
            if !(0.0..=86400.0).contains(&secs) {
                return Err(format!("`sleep {secs}` is out of range"));
            }
            return Ok(Action::Sleep(Duration::from_secs_f64(secs)));
        }
        _ => {}
    }
    let Some((node, command)) = line.split_once(':') else {
        return Err(format!(
            "expected `NODE: COMMAND …`, `start_all` or `sleep SECONDS`, found {verb:?}"
        ));
    };
    let node = node.trim();
    if !nodes.iter().any(|n| n == node) {
        return Err(format!(
            "unknown node {node:?} (the test's nodes: {})",
            nodes.join(", ")
        ));
    }
    let command = parse_node_command(command.trim())?;
    Ok(Action::Node {
        node: node.to_owned(),
        command,
    })
}

fn parse_node_command(text: &str) -> Result<NodeCommand, String> {
    let (verb, rest) = split_word(text);
    let rest = rest.trim();
    let need = |what: &str| -> Result<String, String> {
        if rest.is_empty() {
            Err(format!("`{verb}` needs {what}"))
        } else {
            Ok(rest.to_owned())
        }
    };
    let timed = |what: &str| -> Result<(String, Duration), String> {
        let (timeout, arg) = take_timeout(verb, rest)?;
        if arg.is_empty() {
            return Err(format!("`{verb}` needs {what}"));
        }
        Ok((arg.to_owned(), timeout))
    };
    let no_arg = |cmd: NodeCommand| no_argument(verb, rest).map(|()| cmd);
    Ok(match verb {
        "start" => no_arg(NodeCommand::Start)?,
        "shutdown" => no_arg(NodeCommand::Shutdown)?,
        "crash" => no_arg(NodeCommand::Crash)?,
        "reboot" => no_arg(NodeCommand::Reboot)?,
        "block" => no_arg(NodeCommand::Block)?,
        "unblock" => no_arg(NodeCommand::Unblock)?,
        "succeed" => NodeCommand::Succeed(need("a shell command")?),
        "fail" => NodeCommand::Fail(need("a shell command")?),
        "execute" => NodeCommand::Execute(need("a shell command")?),
        "wait_until_succeeds" => {
            let (c, t) = timed("a shell command")?;
            NodeCommand::WaitUntilSucceeds(c, t)
        }
        "wait_until_fails" => {
            let (c, t) = timed("a shell command")?;
            NodeCommand::WaitUntilFails(c, t)
        }
        "wait_for_unit" => {
            let (u, t) = timed("a unit name")?;
            one_word(verb, &u)?;
            NodeCommand::WaitForUnit(u, t)
        }
        "wait_for_open_port" => {
            let (p, t) = timed("a port number")?;
            let port = p
                .parse::<u16>()
                .map_err(|_| format!("`{verb}` needs a port number (1-65535), not {p:?}"))?;
            NodeCommand::WaitForOpenPort(port, t)
        }
        "wait_for_file" => {
            let (p, t) = timed("a path")?;
            NodeCommand::WaitForFile(p, t)
        }
        "wait_for_console_text" => {
            let (r, t) = timed("a regular expression")?;
            NodeCommand::WaitForConsoleText(r, t)
        }
        "send_keys" => NodeCommand::SendKeys(need("key names")?),
        "send_chars" => NodeCommand::SendChars(unescape(&need("text")?)),
        "screenshot" => {
            let f = need("a file name")?;
            one_word(verb, &f)?;
            NodeCommand::Screenshot(f)
        }
        "copy_from_vm" | "copy_to_vm" => {
            let args: Vec<&str> = rest.split_whitespace().collect();
            let [from, to] = args[..] else {
                return Err(format!("`{verb}` needs two paths: FROM TO"));
            };
            if verb == "copy_from_vm" {
                NodeCommand::CopyFromVm(from.to_owned(), to.to_owned())
            } else {
                NodeCommand::CopyToVm(from.to_owned(), to.to_owned())
            }
        }
        "" => return Err("missing command after `NODE:`".into()),
        other => {
            return Err(format!(
                "unknown command {other:?}; commands: start, succeed, fail, execute, \
                 wait_until_succeeds, wait_until_fails, wait_for_unit, wait_for_open_port, \
                 wait_for_file, wait_for_console_text, send_keys, send_chars, screenshot, \
                 copy_from_vm, copy_to_vm, shutdown, crash, reboot, block, unblock"
            ));
        }
    })
}

fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    match text.find(char::is_whitespace) {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    }
}

fn no_argument(verb: &str, rest: &str) -> Result<(), String> {
    if rest.trim().is_empty() {
        Ok(())
    } else {
        Err(format!("`{verb}` takes no arguments"))
    }
}

fn one_word(verb: &str, arg: &str) -> Result<(), String> {
    if arg.split_whitespace().count() == 1 {
        Ok(())
    } else {
        Err(format!("`{verb}` takes one argument, found {arg:?}"))
    }
}

/// Reads an optional `--timeout SECONDS` before the argument.
fn take_timeout<'a>(verb: &str, rest: &'a str) -> Result<(Duration, &'a str), String> {
    let Some(after) = rest.strip_prefix("--timeout") else {
        return Ok((DEFAULT_WAIT, rest));
    };
    let (value, arg) = split_word(after);
    let secs: u64 = value
        .parse()
        .map_err(|_| format!("`{verb} --timeout` needs whole seconds, not {value:?}"))?;
    Ok((Duration::from_secs(secs), arg.trim()))
}

/// `\n`, `\t` and `\\` in `send_chars` text.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes() -> Vec<String> {
        vec!["web".into(), "client".into()]
    }

    #[test]
    fn a_script_parses_into_steps_with_line_numbers() {
        let script = "# comment\n\nstart_all\nweb: wait_for_unit nginx.service\n\
                      client: wait_until_succeeds --timeout 60 curl -f http://web/\n\
                      client: succeed echo a \\\n  b\nweb: wait_for_open_port 80\nsleep 0.5\n";
        let steps = parse(script, "t.nix", &nodes()).unwrap();
        assert_eq!(steps.len(), 6);
        assert_eq!(steps[0].action, Action::StartAll);
        assert_eq!(steps[0].line, 3);
        assert_eq!(
            steps[1].action,
            Action::Node {
                node: "web".into(),
                command: NodeCommand::WaitForUnit("nginx.service".into(), DEFAULT_WAIT)
            }
        );
        assert_eq!(
            steps[2].action,
            Action::Node {
                node: "client".into(),
                command: NodeCommand::WaitUntilSucceeds(
                    "curl -f http://web/".into(),
                    Duration::from_secs(60)
                )
            }
        );
        assert_eq!(
            steps[3].action,
            Action::Node {
                node: "client".into(),
                command: NodeCommand::Succeed("echo a \\\n  b".into())
            }
        );
        assert_eq!(steps[4].line, 8);
        assert_eq!(steps[5].action, Action::Sleep(Duration::from_millis(500)));
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let err = parse("start_all\nweb: frobnicate x\n", "vm-tests/t.nix", &nodes()).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.to_string()
                .starts_with("vm-tests/t.nix:2: unknown command \"frobnicate\"")
        );
        let err = parse("db: start\n", "f", &nodes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "f:1: unknown node \"db\" (the test's nodes: web, client)"
        );
        assert!(parse("web: succeed\n", "f", &nodes()).is_err());
        assert!(parse("web: wait_for_open_port http\n", "f", &nodes()).is_err());
        assert!(parse("web: wait_for_open_port --timeout x 80\n", "f", &nodes()).is_err());
        assert!(parse("web: start now\n", "f", &nodes()).is_err());
        assert!(parse("hello\n", "f", &nodes()).is_err());
        assert!(parse("web: copy_to_vm a\n", "f", &nodes()).is_err());
    }

    #[test]
    fn every_command_parses() {
        let n = nodes();
        let ok = |l: &str| parse_line(l, &n).unwrap();
        assert_eq!(
            ok("web: copy_to_vm ./a /tmp/a"),
            Action::Node {
                node: "web".into(),
                command: NodeCommand::CopyToVm("./a".into(), "/tmp/a".into())
            }
        );
        assert_eq!(
            ok("web: send_chars root\\n"),
            Action::Node {
                node: "web".into(),
                command: NodeCommand::SendChars("root\n".into())
            }
        );
        for l in [
            "web: fail false",
            "web: execute ls",
            "web: wait_until_fails true",
            "web: wait_for_file /etc/hosts",
            "web: wait_for_console_text --timeout 5 login:",
            "web: send_keys ctrl-alt-delete",
            "web: screenshot s.png",
            "web: copy_from_vm /etc/hosts hosts",
            "web: shutdown",
            "web: crash",
            "web: reboot",
            "web: block",
            "web: unblock",
        ] {
            ok(l);
        }
    }
}
