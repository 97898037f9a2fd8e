//! Running a whole test: its nodes on one private network, its script step by step under a
//! global timeout, and a failure report naming the step, the command, its output and the
//! tail of every node's serial log.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::error::VmError;
use super::machine::{Accel, Machine, MachineConfig, NodeStart};
use super::network::{self, Hub};
use super::script::{self, Action, NodeCommand, Step};

/// A test ready to run.
#[derive(Debug, Clone)]
pub struct TestSpec {
    /// The test's name.
    pub name: String,
    /// Its file, for messages.
    pub file: String,
    /// The nodes, in order (node N gets address 192.168.1.N).
    pub nodes: Vec<(String, NodeStart)>,
    /// The test script.
    pub script: String,
    /// The line of `file` where the script's first line is written, when the script
    /// appears there literally (see [`script_start_line`]); steps are then reported at
    /// their line in the file, otherwise as `testScript line N`.
    pub script_start: Option<usize>,
}

impl TestSpec {
    /// Where script line `line` (1-based) is, for messages: `FILE:LINE`.
    fn location(&self, line: usize) -> String {
        match self.script_start {
            Some(start) => format!("{}:{}", self.file, start + line - 1),
            None => format!("{}: testScript line {line}", self.file),
        }
    }
}

/// The 1-based line of `file_text` where `script` begins, if its lines (compared without
/// their indentation, as an indented string strips it) appear there consecutively exactly
/// once.
pub fn script_start_line(file_text: &str, script: &str) -> Option<usize> {
    let want: Vec<&str> = script.lines().map(str::trim).collect();
    let first = want.iter().position(|l| !l.is_empty())?;
    let have: Vec<&str> = file_text.lines().map(str::trim).collect();
    let mut found = None;
    for k in 0..have.len() {
        let fits = want[first..]
            .iter()
            .enumerate()
            .all(|(j, w)| have.get(k + j) == Some(w));
        if fits && k >= first {
            if found.is_some() {
                return None;
            }
            found = Some(k - first + 1);
        }
    }
    found
}

/// How to run a test.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The global timeout.
    pub timeout: Duration,
    /// QEMU's accelerator.
    pub accel: Accel,
    /// Where screenshots, copies, serial logs and VM state go.
    pub out_dir: PathBuf,
    /// After the script (or its failure), read commands from stdin.
    pub interactive: bool,
}

/// The serial log lines shown with a failure.
const SERIAL_TAIL_LINES: usize = 25;

/// Runs `test`; prints progress on stderr. On failure the error is the full report.
pub fn run(test: &TestSpec, options: &RunOptions) -> Result<(), String> {
    let node_names: Vec<String> = test.nodes.iter().map(|(n, _)| n.clone()).collect();
    let steps = script::parse(&test.script, &test.file, &node_names)
        .map_err(|e| format!("{}: {}", test.location(e.line), e.message))?;
    std::fs::create_dir_all(&options.out_dir)
        .map_err(|e| format!("cannot create {}: {e}", options.out_dir.display()))?;
    let hub = Hub::start().map_err(|e| format!("cannot start the test network: {e}"))?;
    let deadline = Instant::now() + options.timeout;
    let mut machines: Vec<Machine> = test
        .nodes
        .iter()
        .enumerate()
        .map(|(i, (name, start))| {
            let mut m = Machine::new(MachineConfig {
                name: name.clone(),
                index: i + 1,
                start: start.clone(),
                state_dir: options.out_dir.join("vm-state").join(name),
                accel: options.accel,
                network: Some((hub.addr(), network::kernel_params(i + 1, &node_names))),
            });
            m.set_deadline(deadline);
            m
        })
        .collect();
    let started = Instant::now();
    eprintln!(
        "vm-test {}: {} node(s), output in {}",
        test.name,
        machines.len(),
        options.out_dir.display()
    );
    let mut result = Ok(());
    for step in &steps {
        if Instant::now() >= deadline {
            result = Err(format!(
                "{}: the test's global timeout of {:?} expired before `{}`",
                test.location(step.line),
                options.timeout,
                step.text
            ));
            break;
        }
        eprintln!("[{:>6.1}s] {}", started.elapsed().as_secs_f64(), step.text);
        if let Err(e) = run_step(step, &mut machines, options) {
            let mut report = format!(
                "{}: step `{}` failed:\n{e}",
                test.location(step.line),
                step.text
            );
            if Instant::now() >= deadline {
                report.push_str(&format!(
                    "\n(the test's global timeout of {:?} expired)",
                    options.timeout
                ));
            }
            report.push_str(&serial_tails(&machines));
            result = Err(report);
            break;
        }
    }
    if result.is_ok() {
        eprintln!(
            "vm-test {}: passed in {:.1}s",
            test.name,
            started.elapsed().as_secs_f64()
        );
    }
    if options.interactive {
        if let Err(e) = &result {
            eprintln!("{e}");
        }
        interactive(&mut machines, &node_names, options);
    }
    for m in &mut machines {
        m.kill();
    }
    result
}

fn serial_tails(machines: &[Machine]) -> String {
    let mut out = String::new();
    for m in machines {
        let tail = m.serial_tail(SERIAL_TAIL_LINES);
        if tail.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n--- last lines of {}'s serial console ({}) ---\n{tail}",
            m.name(),
            m.serial_log_path().display()
        ));
    }
    out
}

/// Reads script lines from stdin and runs them until end of input or `quit`.
fn interactive(machines: &mut [Machine], nodes: &[String], options: &RunOptions) {
    eprintln!(
        "interactive mode: enter script lines (`NODE: COMMAND …`); `quit` or end of input stops the VMs"
    );
    let stdin = std::io::stdin();
    loop {
        eprint!("> ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "quit" || line == "exit" {
            break;
        }
        let step = match script::parse_line(line, nodes) {
            Ok(action) => Step {
                line: 0,
                text: line.to_owned(),
                action,
            },
            Err(e) => {
                eprintln!("error: {e}");
                continue;
            }
        };
        for m in machines.iter_mut() {
            // No global deadline at the prompt.
            m.set_deadline(Instant::now() + Duration::from_secs(86400 * 365));
        }
        if let Err(e) = run_step(&step, machines, options) {
            eprintln!("error: {e}");
        }
    }
}

fn run_step(step: &Step, machines: &mut [Machine], options: &RunOptions) -> Result<(), VmError> {
    match &step.action {
        Action::StartAll => {
            // Launch every QEMU first so that the guests boot in parallel.
            for m in machines.iter_mut() {
                m.launch()?;
            }
            for m in machines.iter_mut() {
                m.connect()?;
            }
            Ok(())
        }
        Action::Sleep(d) => {
            std::thread::sleep(*d);
            Ok(())
        }
        Action::Node { node, command } => {
            let Some(m) = machines.iter_mut().find(|m| m.name() == node) else {
                return Err(VmError::BadArgument {
                    node: node.clone(),
                    message: "no such node".into(),
                });
            };
            run_node_command(m, command, &options.out_dir)
        }
    }
}

fn run_node_command(m: &mut Machine, command: &NodeCommand, out_dir: &Path) -> Result<(), VmError> {
    let host = |p: &str| out_dir.join(p);
    match command {
        NodeCommand::Start => m.start(),
        NodeCommand::Succeed(c) => m.succeed(c).map(|out| show_output(&out)),
        NodeCommand::Fail(c) => m.fail(c).map(|out| show_output(&out)),
        NodeCommand::Execute(c) => m.execute(c).map(|out| {
            eprintln!("    exit status {}", out.status);
            show_output(&out.text());
        }),
        NodeCommand::WaitUntilSucceeds(c, t) => {
            m.wait_until_succeeds(c, *t).map(|o| show_output(&o))
        }
        NodeCommand::WaitUntilFails(c, t) => m.wait_until_fails(c, *t).map(|o| show_output(&o)),
        NodeCommand::WaitForUnit(u, t) => m.wait_for_unit(u, *t),
        NodeCommand::WaitForOpenPort(p, t) => m.wait_for_open_port(*p, *t),
        NodeCommand::WaitForFile(p, t) => m.wait_for_file(p, *t),
        NodeCommand::WaitForConsoleText(r, t) => m.wait_for_console_text(r, *t),
        NodeCommand::SendKeys(k) => m.send_keys(k),
        NodeCommand::SendChars(s) => m.send_chars(s),
        NodeCommand::Screenshot(f) => m.screenshot(&host(f)),
        NodeCommand::CopyFromVm(from, to) => m.copy_from_vm(from, &host(to)),
        NodeCommand::CopyToVm(from, to) => m.copy_to_vm(&host(from), to),
        NodeCommand::Shutdown => m.shutdown(),
        NodeCommand::Crash => m.crash(),
        NodeCommand::Reboot => m.reboot(),
        NodeCommand::Block => m.block(),
        NodeCommand::Unblock => m.unblock(),
    }
}

/// Prints a command's output, indented, on stderr.
fn show_output(out: &str) {
    for line in out.lines().take(200) {
        eprintln!("    {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::script_start_line;

    #[test]
    fn the_script_is_found_in_its_file() {
        let file =
            "{\n  name = \"t\";\n  testScript = ''\n    start_all\n    a: succeed true\n  '';\n}\n";
        assert_eq!(
            script_start_line(file, "start_all\na: succeed true\n"),
            Some(4)
        );
        // Leading blank lines of the script count.
        assert_eq!(
            script_start_line(file, "\nstart_all\na: succeed true\n"),
            Some(3)
        );
        // A script made by Nix code, or written twice, is not located.
        assert_eq!(
            script_start_line(file, "start_all\na: succeed false\n"),
            None
        );
        let twice = format!("{file}{file}");
        assert_eq!(
            script_start_line(&twice, "start_all\na: succeed true\n"),
            None
        );
    }
}
