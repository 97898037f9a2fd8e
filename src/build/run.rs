//! Running a builder process, sandboxed (through the `__sandbox` helper, see
//! [`super::sandbox`]) or directly, with its output going to a [`LogSink`] and an
//! optional timeout.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::Pid;

use super::error::{BuildError, BuildResult, io_err};
use super::log::LogSink;
use super::sandbox::{BindMount, SETUP_FAILED, SandboxSpec};

/// How the builder is isolated.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// In namespaces, with `root` as its `/`.
    Sandbox {
        /// The prepared root directory.
        root: PathBuf,
        /// Host paths to make visible.
        binds: Vec<BindMount>,
        /// Whether it keeps the host network.
        network: bool,
        /// Where to put the helper's specification and error files.
        control_dir: PathBuf,
    },
    /// Directly, in `workdir`.
    Direct {
        /// The working directory.
        workdir: PathBuf,
    },
}

/// One builder invocation.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The displayed `.drv` path (for errors).
    pub drv: String,
    /// The builder executable.
    pub builder: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Its whole environment.
    pub env: BTreeMap<String, String>,
    /// The isolation.
    pub isolation: Isolation,
    /// Kill the build after this long.
    pub timeout: Option<Duration>,
}

/// How a builder ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Exit status 0.
    Success,
    /// Anything else, described ("failed with exit code 2").
    Failed(String),
}

/// Runs the builder to its end, sending its output to `log`.
pub fn run_builder(inv: &Invocation, log: &mut LogSink) -> BuildResult<Outcome> {
    let (mut cmd, error_file) = command(inv)?;
    let (reader, writer) = std::io::pipe().map_err(io_err("creating a pipe for", log.path()))?;
    let writer2 = writer
        .try_clone()
        .map_err(io_err("creating a pipe for", log.path()))?;
    cmd.stdin(Stdio::null())
        .stdout(writer)
        .stderr(writer2)
        .process_group(0);
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent. The
    // builder (or sandbox helper) is killed when the thread that started it (which waits
    // for it) goes away, e.g. when sysrebuild is killed.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let spawned = cmd.spawn();
    drop(cmd); // closes our copies of the pipe's write end
    let mut child = spawned.map_err(|e| BuildError::BuilderFailed {
        drv: inv.drv.clone(),
        status: format!("could not be started: {}", super::error::describe(&e)),
        log_tail: Vec::new(),
        log_path: log.path().to_owned(),
    })?;

    let status = std::thread::scope(|s| {
        let pump = s.spawn(|| pump_lines(reader, log));
        let status = wait(&mut child, inv.timeout);
        let _ = pump.join();
        status
    });
    let status = status.map_err(io_err("waiting for the builder of", Path::new(&inv.drv)))?;

    let Some(status) = status else {
        let secs = inv.timeout.map_or(0, |t| t.as_secs());
        return Ok(Outcome::Failed(format!("timed out after {secs} seconds")));
    };
    if let Some(error_file) = error_file
        && status.code() == Some(SETUP_FAILED)
        && let Ok(message) = std::fs::read_to_string(&error_file)
    {
        return Err(if message.starts_with(super::sandbox::NAMESPACE_FAILURE) {
            BuildError::SandboxUnavailable {
                drv: inv.drv.clone(),
                message,
            }
        } else {
            BuildError::Sandbox {
                drv: inv.drv.clone(),
                message,
            }
        });
    }
    Ok(describe_status(status))
}

fn describe_status(status: ExitStatus) -> Outcome {
    match (status.code(), status.signal()) {
        (Some(0), _) => Outcome::Success,
        (Some(c), _) if c > 128 && c < 128 + 65 => {
            Outcome::Failed(format!("was killed by signal {}", c - 128))
        }
        (Some(c), _) => Outcome::Failed(format!("failed with exit code {c}")),
        (None, Some(sig)) => Outcome::Failed(format!("was killed by signal {sig}")),
        (None, None) => Outcome::Failed("failed".to_owned()),
    }
}

/// Waits for the child to exit; `Ok(None)` when it was killed for exceeding `timeout`.
/// The rest of its process group (stragglers of an unsandboxed builder; a sandbox's
/// processes die with its init) is killed before the child is reaped, while its pid, and
/// so the group id, cannot be reused.
fn wait(
    child: &mut std::process::Child,
    timeout: Option<Duration>,
) -> std::io::Result<Option<ExitStatus>> {
    let pid = Pid::from_raw(child.id() as i32);
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut timed_out = false;
    loop {
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT | WaitPidFlag::WNOHANG;
        match waitid(Id::Pid(pid), flags) {
            Ok(WaitStatus::StillAlive) => {}
            Ok(_) => break,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            timed_out = true;
            let _ = killpg(pid, Signal::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = killpg(pid, Signal::SIGKILL);
    let status = child.wait()?;
    Ok(if timed_out { None } else { Some(status) })
}

fn pump_lines(reader: std::io::PipeReader, log: &mut LogSink) {
    let mut reader = BufReader::new(reader);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                }
                log.line(&String::from_utf8_lossy(&buf));
            }
        }
    }
}

/// The command to start, and the helper's error file when sandboxed.
fn command(inv: &Invocation) -> BuildResult<(Command, Option<PathBuf>)> {
    match &inv.isolation {
        Isolation::Direct { workdir } => {
            let exe = std::env::current_exe().map_err(io_err(
                "finding the sysrebuild executable for",
                Path::new(&inv.drv),
            ))?;
            let mut cmd = Command::new(exe);
            cmd.arg("__guard")
                .arg(std::process::id().to_string())
                .arg(&inv.builder)
                .args(&inv.args)
                .env_clear()
                .envs(&inv.env)
                .current_dir(workdir);
            Ok((cmd, None))
        }
        Isolation::Sandbox {
            root,
            binds,
            network,
            control_dir,
        } => {
            let error_file = control_dir.join("sandbox-error");
            let spec = SandboxSpec {
                root: root.clone(),
                binds: binds.clone(),
                network: *network,
                builder: inv.builder.clone(),
                args: inv.args.clone(),
                env: inv
                    .env
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                workdir: "/build".to_owned(),
                error_file: error_file.clone(),
                build_ids: nix::unistd::geteuid()
                    .is_root()
                    .then_some((super::sandbox::BUILD_UID, super::sandbox::BUILD_GID)),
            };
            let spec_path = control_dir.join("sandbox.json");
            let json = serde_json::to_vec(&spec).map_err(|e| BuildError::Io {
                action: "serialising",
                path: spec_path.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            std::fs::write(&spec_path, json).map_err(io_err("writing", &spec_path))?;
            let exe = std::env::current_exe().map_err(io_err(
                "finding the sysrebuild executable for",
                Path::new(&inv.drv),
            ))?;
            let mut cmd = Command::new(exe);
            cmd.arg("__sandbox").arg(&spec_path).env_clear();
            Ok((cmd, Some(error_file)))
        }
    }
}
