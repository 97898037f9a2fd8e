//! One test VM: a QEMU process, its serial log, its backdoor shell and its monitor, and the
//! driver operations on it (`succeed`, `wait_for_unit`, `screenshot`, `crash` …).
//!
//! A node starts either through the build-vm contract (a `run-<host>-vm` script honouring
//! `QEMU_OPTS`, `QEMU_KERNEL_PARAMS`, `NIX_DISK_IMAGE`, `TMPDIR`/`USE_TMPDIR`, with the
//! serial console on its stdout; see `vm-tests/README.md`) or directly from a kernel and an
//! initrd. Either way the driver adds its own devices: the backdoor's virtio console, a QMP
//! socket and the test network's interface.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::error::VmError;
use super::monitor::{Monitor, key_for_char};
use super::network;
use super::shell::{Output, Shell, ShellError};

/// How a node's QEMU is started.
#[derive(Debug, Clone)]
pub enum NodeStart {
    /// A `run-<host>-vm` script made by build-vm.
    Script(PathBuf),
    /// A kernel and an initrd booted directly (`-kernel`/`-initrd`/`-append`).
    Kernel {
        /// The kernel image.
        kernel: PathBuf,
        /// The initrd.
        initrd: PathBuf,
        /// The kernel command line (the driver appends `console=ttyS0` and its own
        /// parameters).
        cmdline: String,
        /// Memory in MiB.
        memory_mb: u32,
    },
}

/// QEMU's accelerator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accel {
    /// Emulation: slow, but works everywhere.
    Tcg,
    /// Hardware virtualisation (some hosts expose a `/dev/kvm` on which guests hang).
    Kvm,
}

/// Everything a node needs to know to start.
#[derive(Debug, Clone)]
pub struct MachineConfig {
    /// The node's name (its host name on the test network).
    pub name: String,
    /// 1-based position among the test's nodes (its MAC and IP address).
    pub index: usize,
    /// How QEMU is started.
    pub start: NodeStart,
    /// Where the node keeps its serial log, sockets and disk image.
    pub state_dir: PathBuf,
    /// The accelerator.
    pub accel: Accel,
    /// The test network's hub and the kernel parameters naming the nodes, if any.
    pub network: Option<(std::net::SocketAddr, String)>,
}

/// How long a guest may take from QEMU's start to its backdoor being ready.
pub const BOOT_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a single shell command may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(900);
/// What Linux prints when it panics.
const KERNEL_PANIC: &str = "Kernel panic - not syncing";
/// Kernel parameters the driver gives every guest: `no_timer_check` skips the check of
/// the IO-APIC timer, which fails ("IO-APIC + timer doesn't work!", a panic) when an
/// emulated CPU is slowed down by a busy host.
pub const DRIVER_KERNEL_PARAMS: &str = "no_timer_check";
/// The interval between polls of `wait_*` operations.
const POLL: Duration = Duration::from_millis(500);

/// One test VM.
pub struct Machine {
    config: MachineConfig,
    process: Option<Child>,
    shell: Option<Shell>,
    monitor: Option<Monitor>,
    serial: Arc<Mutex<Vec<u8>>>,
    /// Where the current boot's console output starts in `serial`.
    boot_offset: usize,
    /// The test's global deadline: no operation waits past it.
    deadline: Option<Instant>,
}

impl Machine {
    /// A machine that is not started yet.
    pub fn new(config: MachineConfig) -> Machine {
        Machine {
            config,
            process: None,
            shell: None,
            monitor: None,
            serial: Arc::default(),
            boot_offset: 0,
            deadline: None,
        }
    }

    /// A machine booting `kernel` with `initrd` directly (no build-vm script).
    pub fn from_kernel(
        name: &str,
        kernel: &Path,
        initrd: &Path,
        cmdline: &str,
        state_dir: &Path,
    ) -> Machine {
        Machine::new(MachineConfig {
            name: name.to_owned(),
            index: 1,
            start: NodeStart::Kernel {
                kernel: kernel.to_owned(),
                initrd: initrd.to_owned(),
                cmdline: cmdline.to_owned(),
                memory_mb: 256,
            },
            state_dir: state_dir.to_owned(),
            accel: Accel::Tcg,
            network: None,
        })
    }

    /// The node's name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Sets the test's global deadline.
    pub fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = Some(deadline);
    }

    /// Whether QEMU is running.
    pub fn is_running(&mut self) -> bool {
        match &mut self.process {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// The path of the serial log (everything the guest printed on its console).
    pub fn serial_log_path(&self) -> PathBuf {
        self.config.state_dir.join("serial.log")
    }

    /// The last `lines` lines of the serial log.
    pub fn serial_tail(&self, lines: usize) -> String {
        let text = self
            .serial
            .lock()
            .map(|s| String::from_utf8_lossy(&s).into_owned())
            .unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Starts QEMU (if not running) and waits for the backdoor shell.
    pub fn start(&mut self) -> Result<(), VmError> {
        self.launch()?;
        self.connect()
    }

    /// Starts QEMU without waiting for the guest (used to boot nodes in parallel; call
    /// [`Machine::connect`] afterwards).
    pub fn launch(&mut self) -> Result<(), VmError> {
        if self.is_running() {
            return Ok(());
        }
        let dir = self.config.state_dir.clone();
        std::fs::create_dir_all(&dir).map_err(|e| self.io_error("create state dir", e))?;
        for sock in ["shell.sock", "qmp.sock"] {
            let _ = std::fs::remove_file(dir.join(sock));
        }
        let mut cmd = self.qemu_command();
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| self.io_error("start QEMU", e))?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.serial_log_path())
            .map_err(|e| self.io_error("open the serial log", e))?;
        let log = Arc::new(Mutex::new(log));
        if let Ok(mut s) = self.serial.lock() {
            s.clear();
        }
        self.boot_offset = 0;
        if let Some(out) = child.stdout.take() {
            spawn_capture(out, self.serial.clone(), log.clone());
        }
        if let Some(err) = child.stderr.take() {
            spawn_capture(err, self.serial.clone(), log);
        }
        self.process = Some(child);
        self.shell = None;
        self.monitor = None;
        // The backdoor's console is connected at once, before the guest runs (its
        // chardev waits for this client): what the guest writes to a console nobody is
        // connected to is dropped by QEMU, and with it the ready line of a node that
        // boots while the driver still waits for another one.
        let deadline = self.clamp(BOOT_TIMEOUT);
        let stream = self.wait_for_socket(&dir.join("shell.sock"), deadline)?;
        let reader = stream
            .try_clone()
            .map_err(|e| self.io_error("use the shell socket", e))?;
        self.shell = Some(Shell::new(reader, stream));
        Ok(())
    }

    /// Connects to the monitor and the backdoor of a launched machine and waits until the
    /// shell is ready.
    pub fn connect(&mut self) -> Result<(), VmError> {
        let dir = self.config.state_dir.clone();
        let deadline = self.clamp(BOOT_TIMEOUT);
        let qmp = self.wait_for_socket(&dir.join("qmp.sock"), deadline)?;
        drop(qmp);
        self.monitor =
            Some(Monitor::connect(&dir.join("qmp.sock")).map_err(|e| self.monitor_error(e))?);
        let result = self.wait_for_backdoor(deadline);
        if result.is_err() {
            self.shell = None;
        }
        result
    }

    /// Waits until the backdoor announces itself; fails early when QEMU exits or the
    /// guest's kernel panics (a panicked guest would otherwise be waited for until the
    /// deadline).
    fn wait_for_backdoor(&mut self, deadline: Instant) -> Result<(), VmError> {
        let total = deadline.saturating_duration_since(Instant::now());
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let slice = left.min(Duration::from_secs(1));
            let name = self.config.name.clone();
            let shell = self
                .shell
                .as_mut()
                .ok_or(VmError::NotRunning { node: name })?;
            match shell.wait_ready(slice) {
                Ok(()) => return Ok(()),
                Err(ShellError::NotReady(_)) if slice < left => {}
                Err(ShellError::NotReady(_)) => {
                    return Err(self.shell_error(ShellError::NotReady(total)));
                }
                Err(e) => return Err(self.shell_error(e)),
            }
            if self.console_contains(KERNEL_PANIC) {
                return Err(self.stopped(
                    "the guest's kernel panicked before the backdoor was ready (see its console)",
                ));
            }
            if !self.is_running() {
                return Err(self.stopped("QEMU exited before the backdoor was ready"));
            }
        }
    }

    /// Whether the console printed `text` during the current boot.
    fn console_contains(&self, text: &str) -> bool {
        self.serial
            .lock()
            .map(|s| {
                s.get(self.boot_offset..)
                    .unwrap_or_default()
                    .windows(text.len())
                    .any(|w| w == text.as_bytes())
            })
            .unwrap_or(false)
    }

    fn wait_for_socket(&mut self, path: &Path, deadline: Instant) -> Result<UnixStream, VmError> {
        loop {
            if let Ok(s) = UnixStream::connect(path) {
                return Ok(s);
            }
            if !self.is_running() {
                return Err(self.stopped("QEMU exited before opening its sockets"));
            }
            if Instant::now() >= deadline {
                return Err(self.timeout(format!("QEMU's socket {}", path.display())));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn qemu_command(&self) -> Command {
        let dir = &self.config.state_dir;
        let mut opts = vec![
            "-chardev".to_owned(),
            format!(
                "socket,id=shell,path={},server=on,wait=on",
                dir.join("shell.sock").display()
            ),
            "-device".into(),
            "virtio-serial".into(),
            "-device".into(),
            "virtconsole,chardev=shell".into(),
            "-qmp".into(),
            format!("unix:{},server=on,wait=off", dir.join("qmp.sock").display()),
        ];
        let mut params = DRIVER_KERNEL_PARAMS.to_owned();
        if let Some((hub, node_params)) = &self.config.network {
            opts.extend([
                "-netdev".into(),
                format!("socket,id=vlan1,connect={hub}"),
                "-device".into(),
                format!(
                    "virtio-net-pci,netdev=vlan1,mac={}",
                    network::mac_address(self.config.index)
                ),
            ]);
            params.push(' ');
            params.push_str(node_params);
        }
        match &self.config.start {
            NodeStart::Script(script) => {
                let mut cmd = Command::new(script);
                cmd.current_dir(dir)
                    .env("QEMU_OPTS", opts.join(" "))
                    .env("QEMU_KERNEL_PARAMS", params)
                    .env(
                        "NIX_DISK_IMAGE",
                        dir.join(format!("{}.qcow2", self.config.name)),
                    )
                    .env("TMPDIR", dir)
                    .env("USE_TMPDIR", "1")
                    .env("QEMU_ACCEL", self.accel_name());
                cmd
            }
            NodeStart::Kernel {
                kernel,
                initrd,
                cmdline,
                memory_mb,
            } => {
                let mut cmd = Command::new("qemu-system-x86_64");
                cmd.current_dir(dir)
                    .args(["-name", &self.config.name])
                    .args(["-m", &memory_mb.to_string()])
                    .args(["-accel", self.accel_name()])
                    .args(["-nodefaults", "-display", "none", "-vga", "std"])
                    .args(["-serial", "stdio"])
                    .arg("-kernel")
                    .arg(kernel)
                    .arg("-initrd")
                    .arg(initrd)
                    .args(["-append", &format!("console=ttyS0 {cmdline} {params}")])
                    .args(&opts);
                cmd
            }
        }
    }

    fn accel_name(&self) -> &'static str {
        match self.config.accel {
            Accel::Tcg => "tcg",
            Accel::Kvm => "kvm",
        }
    }

    fn shell(&mut self) -> Result<&mut Shell, VmError> {
        if self.shell.is_none() {
            self.start()?;
        }
        let name = self.config.name.clone();
        self.shell
            .as_mut()
            .ok_or(VmError::NotRunning { node: name })
    }

    /// Runs `command` in the guest and returns its status and output.
    pub fn execute(&mut self, command: &str) -> Result<Output, VmError> {
        self.execute_within(command, COMMAND_TIMEOUT)
    }

    /// Runs `command` with a time limit.
    pub fn execute_within(&mut self, command: &str, timeout: Duration) -> Result<Output, VmError> {
        let left = self
            .clamp(timeout)
            .saturating_duration_since(Instant::now());
        let result = self.shell()?.run(command, left);
        result.map_err(|e| self.shell_error(e))
    }

    /// Runs `command`; fails unless it exits with status 0. Returns its output.
    pub fn succeed(&mut self, command: &str) -> Result<String, VmError> {
        let out = self.execute(command)?;
        if out.status != 0 {
            return Err(self.command_failed(command, &out, "succeed"));
        }
        Ok(out.text())
    }

    /// Runs `command`; fails if it exits with status 0. Returns its output.
    pub fn fail(&mut self, command: &str) -> Result<String, VmError> {
        let out = self.execute(command)?;
        if out.status == 0 {
            return Err(self.command_failed(command, &out, "fail"));
        }
        Ok(out.text())
    }

    /// Repeats `command` until it succeeds, for at most `timeout`.
    pub fn wait_until_succeeds(
        &mut self,
        command: &str,
        timeout: Duration,
    ) -> Result<String, VmError> {
        self.wait_until(command, timeout, true)
    }

    /// Repeats `command` until it fails, for at most `timeout`.
    pub fn wait_until_fails(
        &mut self,
        command: &str,
        timeout: Duration,
    ) -> Result<String, VmError> {
        self.wait_until(command, timeout, false)
    }

    fn wait_until(
        &mut self,
        command: &str,
        timeout: Duration,
        want_success: bool,
    ) -> Result<String, VmError> {
        let deadline = self.clamp(timeout);
        let what = if want_success { "succeeds" } else { "fails" };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let out = match self.execute_within(command, left) {
                Ok(out) => out,
                // The last attempt was cut by the wait's own time limit.
                Err(VmError::Shell {
                    source: ShellError::Timeout { .. },
                    ..
                }) => {
                    return Err(VmError::WaitTimeout {
                        node: self.config.name.clone(),
                        what: format!("`{command}` {what}"),
                        timeout,
                        last: "the last attempt was still running".to_owned(),
                    });
                }
                Err(e) => return Err(e),
            };
            if (out.status == 0) == want_success {
                return Ok(out.text());
            }
            if Instant::now() + POLL >= deadline {
                return Err(VmError::WaitTimeout {
                    node: self.config.name.clone(),
                    what: format!("`{command}` {what}"),
                    timeout,
                    last: format!("exit status {}, output:\n{}", out.status, out.text()),
                });
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until systemd reports `unit` active; fails at once if it is `failed`, showing
    /// the end of its journal.
    pub fn wait_for_unit(&mut self, unit: &str, timeout: Duration) -> Result<(), VmError> {
        let deadline = self.clamp(timeout);
        let quoted = shell_quote(unit);
        loop {
            let state = self.execute(&format!("systemctl is-active {quoted}"))?;
            match state.text().trim() {
                "active" => return Ok(()),
                "failed" => {
                    let journal = self
                        .execute(&format!("journalctl -u {quoted} -n 30 --no-pager"))
                        .map(|o| o.text())
                        .unwrap_or_default();
                    return Err(VmError::UnitFailed {
                        node: self.config.name.clone(),
                        unit: unit.to_owned(),
                        journal,
                    });
                }
                _ => {}
            }
            if Instant::now() + POLL >= deadline {
                return Err(VmError::WaitTimeout {
                    node: self.config.name.clone(),
                    what: format!("unit {unit} to be active"),
                    timeout,
                    last: format!("state: {}", state.text().trim()),
                });
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until something listens on TCP `port` (read from `/proc/net/tcp*`, so the
    /// guest needs no extra tools).
    pub fn wait_for_open_port(&mut self, port: u16, timeout: Duration) -> Result<(), VmError> {
        let cmd = format!(
            "grep -qE '^ *[0-9]+: [0-9A-F]+:{port:04X} [0-9A-F]+:[0-9A-F]+ 0A' /proc/net/tcp /proc/net/tcp6"
        );
        self.wait_until_succeeds(&cmd, timeout)
            .map(drop)
            .map_err(|e| rename_wait(e, format!("port {port} to be open")))
    }

    /// Waits until `path` exists in the guest.
    pub fn wait_for_file(&mut self, path: &str, timeout: Duration) -> Result<(), VmError> {
        self.wait_until_succeeds(&format!("test -e {}", shell_quote(path)), timeout)
            .map(drop)
            .map_err(|e| rename_wait(e, format!("file {path} to exist")))
    }

    /// Waits until the serial console's output (since the last start) matches `regex`
    /// (POSIX extended).
    pub fn wait_for_console_text(&mut self, regex: &str, timeout: Duration) -> Result<(), VmError> {
        let re =
            crate::eval::text::regex::PosixRegex::new(regex).map_err(|e| VmError::BadArgument {
                node: self.config.name.clone(),
                message: format!("invalid regular expression: {e}"),
            })?;
        let deadline = self.clamp(timeout);
        loop {
            let text = self.serial.lock().map(|s| s.clone()).unwrap_or_default();
            // The C matcher stops at NUL bytes; the console has none worth matching.
            let text: Vec<u8> = text.into_iter().filter(|&b| b != 0).collect();
            if matches!(re.find_at(&text, 0), Ok(Some(_))) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(VmError::WaitTimeout {
                    node: self.config.name.clone(),
                    what: format!("console text matching {regex:?}"),
                    timeout,
                    last: String::new(),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Presses keys given as QEMU key names (`ctrl-alt-delete`, `ret`, `a`), separated by
    /// spaces.
    pub fn send_keys(&mut self, keys: &str) -> Result<(), VmError> {
        for key in keys.split_whitespace() {
            self.human(&format!("sendkey {key}"))?;
        }
        Ok(())
    }

    /// Types `text` on the guest's keyboard.
    pub fn send_chars(&mut self, text: &str) -> Result<(), VmError> {
        for c in text.chars() {
            let key = key_for_char(c).ok_or_else(|| VmError::BadArgument {
                node: self.config.name.clone(),
                message: format!("no key types {c:?}"),
            })?;
            self.human(&format!("sendkey {key}"))?;
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }

    /// Saves the guest's screen as a PNG file.
    pub fn screenshot(&mut self, png: &Path) -> Result<(), VmError> {
        let ppm = self
            .config
            .state_dir
            .join(format!("screendump-{}.ppm", super::shell::random_u64()));
        let filename = ppm.display().to_string();
        self.qmp("screendump", json!({ "filename": filename }))?;
        let data = std::fs::read(&ppm).map_err(|e| self.io_error("read the screen dump", e))?;
        let _ = std::fs::remove_file(&ppm);
        super::screenshot::ppm_to_png(&data, png).map_err(|message| VmError::BadArgument {
            node: self.config.name.clone(),
            message,
        })
    }

    /// Copies a guest file to `host_path` (through the shell, base64-encoded).
    pub fn copy_from_vm(&mut self, guest_path: &str, host_path: &Path) -> Result<(), VmError> {
        let cmd = format!("base64 < {}", shell_quote(guest_path));
        let encoded = self.succeed(&cmd)?;
        let bytes = super::shell::decode_base64(&encoded).ok_or_else(|| VmError::BadArgument {
            node: self.config.name.clone(),
            message: format!("the guest's base64 of {guest_path} does not decode"),
        })?;
        std::fs::write(host_path, bytes)
            .map_err(|e| self.io_error(&format!("write {}", host_path.display()), e))
    }

    /// Copies the host file `host_path` into the guest at `guest_path`.
    pub fn copy_to_vm(&mut self, host_path: &Path, guest_path: &str) -> Result<(), VmError> {
        let data = std::fs::read(host_path)
            .map_err(|e| self.io_error(&format!("read {}", host_path.display()), e))?;
        let encoded = crate::store::base64::encode(&data);
        let mut body = String::with_capacity(encoded.len() + encoded.len() / 76 + 1);
        for chunk in encoded.as_bytes().chunks(76) {
            body.push_str(&String::from_utf8_lossy(chunk));
            body.push('\n');
        }
        let target = shell_quote(guest_path);
        let cmd = format!("base64 -d > {target} <<'SYSREBUILD_EOF'\n{body}SYSREBUILD_EOF");
        self.succeed(&cmd).map(drop)
    }

    /// Powers the guest off cleanly and waits for QEMU to exit.
    pub fn shutdown(&mut self) -> Result<(), VmError> {
        if !self.is_running() {
            return Ok(());
        }
        // The shell dies with the guest: its missing reply is expected.
        let _ = self.execute_within("poweroff", Duration::from_secs(5));
        self.wait_for_exit(Duration::from_secs(120))
    }

    /// Stops QEMU at once, as pulling the plug.
    pub fn crash(&mut self) -> Result<(), VmError> {
        if !self.is_running() {
            return Ok(());
        }
        // QEMU may exit before answering.
        let _ = self.qmp("quit", json!({}));
        self.wait_for_exit(Duration::from_secs(30))
    }

    /// Reboots the guest and waits until its backdoor is ready again.
    pub fn reboot(&mut self) -> Result<(), VmError> {
        let _ = self.execute_within("reboot", Duration::from_secs(5));
        let deadline = self.clamp(BOOT_TIMEOUT);
        let name = self.config.name.clone();
        let shell = self
            .shell
            .as_mut()
            .ok_or(VmError::NotRunning { node: name })?;
        shell.expect_restart();
        self.boot_offset = self.serial.lock().map(|s| s.len()).unwrap_or(0);
        self.wait_for_backdoor(deadline)
    }

    /// Takes the node's network link down.
    pub fn block(&mut self) -> Result<(), VmError> {
        self.qmp("set_link", json!({ "name": "vlan1", "up": false }))
            .map(drop)
    }

    /// Brings the node's network link back up.
    pub fn unblock(&mut self) -> Result<(), VmError> {
        self.qmp("set_link", json!({ "name": "vlan1", "up": true }))
            .map(drop)
    }

    fn wait_for_exit(&mut self, timeout: Duration) -> Result<(), VmError> {
        let deadline = self.clamp(timeout);
        while self.is_running() {
            if Instant::now() >= deadline {
                return Err(self.timeout("QEMU to exit".into()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.process = None;
        self.shell = None;
        self.monitor = None;
        Ok(())
    }

    /// Kills QEMU if it still runs (when a test ends).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.shell = None;
        self.monitor = None;
    }

    fn qmp(
        &mut self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, VmError> {
        let name = self.config.name.clone();
        let monitor = self
            .monitor
            .as_mut()
            .ok_or(VmError::NotRunning { node: name })?;
        let result = monitor.execute(command, args);
        result.map_err(|e| self.monitor_error(e))
    }

    fn human(&mut self, line: &str) -> Result<(), VmError> {
        let name = self.config.name.clone();
        let monitor = self
            .monitor
            .as_mut()
            .ok_or(VmError::NotRunning { node: name })?;
        let result = monitor.human(line);
        result.map(drop).map_err(|e| self.monitor_error(e))
    }

    /// The earlier of now + `timeout` and the test's deadline.
    fn clamp(&self, timeout: Duration) -> Instant {
        let wanted = Instant::now() + timeout;
        match self.deadline {
            Some(d) if d < wanted => d,
            _ => wanted,
        }
    }

    fn command_failed(&self, command: &str, out: &Output, expected: &str) -> VmError {
        VmError::CommandFailed {
            node: self.config.name.clone(),
            command: command.to_owned(),
            expected: expected.to_owned(),
            status: out.status,
            output: out.text(),
        }
    }

    fn shell_error(&self, source: super::shell::ShellError) -> VmError {
        VmError::Shell {
            node: self.config.name.clone(),
            source,
        }
    }

    fn monitor_error(&self, source: super::monitor::MonitorError) -> VmError {
        VmError::Monitor {
            node: self.config.name.clone(),
            source,
        }
    }

    fn io_error(&self, what: &str, source: std::io::Error) -> VmError {
        VmError::Io {
            node: self.config.name.clone(),
            what: what.to_owned(),
            source,
        }
    }

    fn timeout(&self, what: String) -> VmError {
        VmError::WaitTimeout {
            node: self.config.name.clone(),
            what,
            timeout: BOOT_TIMEOUT,
            last: String::new(),
        }
    }

    fn stopped(&self, message: &str) -> VmError {
        VmError::Stopped {
            node: self.config.name.clone(),
            message: message.to_owned(),
        }
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        self.kill();
    }
}

fn rename_wait(e: VmError, what: String) -> VmError {
    match e {
        VmError::WaitTimeout {
            node,
            timeout,
            last,
            ..
        } => VmError::WaitTimeout {
            node,
            what,
            timeout,
            last,
        },
        other => other,
    }
}

/// Quotes `s` for the guest's shell.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn spawn_capture(
    mut from: impl Read + Send + 'static,
    buffer: Arc<Mutex<Vec<u8>>>,
    log: Arc<Mutex<std::fs::File>>,
) {
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        loop {
            let n = match from.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if let Ok(mut b) = buffer.lock() {
                b.extend_from_slice(&chunk[..n]);
            }
            if let Ok(mut f) = log.lock() {
                let _ = f.write_all(&chunk[..n]);
            }
        }
    });
}
