//! The sandbox helper: a fresh `sysrebuild __sandbox SPEC` process (single-threaded, as
//! `unshare(CLONE_NEWUSER)` requires) that enters new user, mount, PID, IPC, UTS and
//! (unless the build may use the network) network namespaces, makes the prepared root
//! directory its `/` and executes the builder.
//!
//! Inside, the builder runs as uid 1000 / gid 100. For an unprivileged caller these map
//! to the caller's uid and gid. As root, they map to the unprivileged build ids
//! [`BUILD_UID`]/[`BUILD_GID`] (uid/gid 0 stay root inside, for the setup only, and the
//! init switches to the build user before executing the builder). The helper stays outside the new PID
//! namespace and waits for the namespace's init (the builder), exiting with its status;
//! when the init exits, the kernel kills everything else in the namespace, and when the
//! helper is killed the init is killed too (parent-death signal).
//!
//! Setup failures are written to [`SandboxSpec::error_file`] and end the helper with
//! status [`SETUP_FAILED`].

use std::ffi::CString;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::sched::{CloneFlags, unshare};
use nix::sys::signal::Signal;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, chdir, execve, fork, pivot_root, sethostname};
use serde::{Deserialize, Serialize};

/// The helper's exit status when the sandbox could not be set up.
pub const SETUP_FAILED: i32 = 125;

/// How a setup failure caused by missing namespace support begins.
pub const NAMESPACE_FAILURE: &str = "creating namespaces";

/// The host uid builds run as when sysrebuild runs as root.
pub const BUILD_UID: u32 = 30001;
/// The host gid builds run as when sysrebuild runs as root.
pub const BUILD_GID: u32 = 30000;

/// The uid the builder has inside the sandbox.
pub const SANDBOX_UID: u32 = 1000;
/// The gid the builder has inside the sandbox.
pub const SANDBOX_GID: u32 = 100;

/// A host path made visible inside the sandbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BindMount {
    /// The path on the host.
    pub source: PathBuf,
    /// Where it appears inside the sandbox (absolute).
    pub target: String,
    /// Whether it is mounted read-only.
    pub read_only: bool,
}

/// Everything the helper needs, passed as a JSON file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxSpec {
    /// The prepared root directory (with `nix/store`, `build`, `tmp`, `etc`, `dev`).
    pub root: PathBuf,
    /// Paths to bind-mount.
    pub binds: Vec<BindMount>,
    /// Whether the builder keeps the host's network (fixed-output derivations).
    pub network: bool,
    /// The builder executable (a path inside the sandbox).
    pub builder: String,
    /// Its arguments (without argv\[0\]).
    pub args: Vec<String>,
    /// Its environment.
    pub env: Vec<(String, String)>,
    /// The working directory inside the sandbox.
    pub workdir: String,
    /// Where to write a setup failure's description.
    pub error_file: PathBuf,
    /// When running as root: the unprivileged host uid and gid the builder's ids map to.
    /// Otherwise (`None`) they map to the caller's.
    pub build_ids: Option<(u32, u32)>,
}

/// Entry point of `sysrebuild __sandbox SPEC`; returns the exit status.
pub fn helper_main(spec_path: &str) -> i32 {
    // Die with the sysrebuild process that started us (the init then dies with us).
    if let Err(e) = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL) {
        eprintln!("error: setting the parent-death signal: {e}");
        return SETUP_FAILED;
    }
    let spec: SandboxSpec = match fs::read(spec_path)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read sandbox specification '{spec_path}': {e}");
            return SETUP_FAILED;
        }
    };
    match spec.build_ids {
        None => {
            if let Err(e) = enter_namespaces(&spec, None) {
                return setup_failed(&spec, &e);
            }
            fork_init(&spec)
        }
        Some(ids) => privileged_main(&spec, ids),
    }
}

/// Forks the namespace's init (which runs the builder) and waits for it.
fn fork_init(spec: &SandboxSpec) -> i32 {
    // SAFETY: the helper is single-threaded (it never starts threads), so the child may
    // do anything the parent could.
    match unsafe { fork() } {
        Err(e) => setup_failed(spec, &format!("fork: {e}")),
        Ok(ForkResult::Child) => {
            let e = run_init(spec);
            std::process::exit(setup_failed(spec, &e))
        }
        Ok(ForkResult::Parent { child }) => wait_exit(child),
    }
}

/// Waits for `child`; its exit status (128 + signal when killed).
fn wait_exit(child: nix::unistd::Pid) -> i32 {
    loop {
        match waitpid(child, None) {
            Ok(WaitStatus::Exited(_, code)) => return code,
            Ok(WaitStatus::Signaled(_, sig, _)) => return 128 + sig as i32,
            Ok(_) => continue,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => {
                eprintln!("error: waiting for the builder: {e}");
                return SETUP_FAILED;
            }
        }
    }
}

/// As root: a child enters the namespaces, and this process (privileged in the initial
/// namespace) writes its maps: uid/gid 0 stays root for the setup, the builder's ids
/// map to the unprivileged `ids`.
fn privileged_main(spec: &SandboxSpec, ids: (u32, u32)) -> i32 {
    let pipes = nix::unistd::pipe().and_then(|a| nix::unistd::pipe().map(|b| (a, b)));
    let ((ready_r, ready_w), (go_r, go_w)) = match pipes {
        Ok(p) => p,
        Err(e) => return setup_failed(spec, &format!("creating pipes: {e}")),
    };
    let helper = nix::unistd::getpid();
    // SAFETY: single-threaded, as above.
    match unsafe { fork() } {
        Err(e) => setup_failed(spec, &format!("fork: {e}")),
        Ok(ForkResult::Child) => {
            drop(ready_r);
            drop(go_w);
            // A forked child does not inherit the parent-death signal: die with the
            // helper (and the init, whose signal is set again after its user switch,
            // dies with us).
            if nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).is_err()
                || nix::unistd::getppid() != helper
            {
                std::process::exit(SETUP_FAILED);
            }
            if let Err(e) = enter_namespaces(spec, Some(ids)) {
                std::process::exit(setup_failed(spec, &e));
            }
            let _ = nix::unistd::write(&ready_w, b"r");
            let mut buf = [0u8; 1];
            if !matches!(nix::unistd::read(&go_r, &mut buf), Ok(1)) {
                std::process::exit(SETUP_FAILED);
            }
            std::process::exit(fork_init(spec))
        }
        Ok(ForkResult::Parent { child }) => {
            drop(ready_w);
            drop(go_r);
            let mut buf = [0u8; 1];
            if matches!(nix::unistd::read(&ready_r, &mut buf), Ok(1)) {
                let (uid, gid) = ids;
                let maps = [
                    ("uid_map", format!("0 0 1\n{SANDBOX_UID} {uid} 1\n")),
                    ("gid_map", format!("0 0 1\n{SANDBOX_GID} {gid} 1\n")),
                ];
                for (file, text) in maps {
                    let path = format!("/proc/{child}/{file}");
                    if let Err(e) = fs::write(&path, text) {
                        let _ = nix::sys::signal::kill(child, Signal::SIGKILL);
                        let _ = wait_exit(child);
                        return setup_failed(
                            spec,
                            &format!("{NAMESPACE_FAILURE} (writing '{path}'): {e}"),
                        );
                    }
                }
                let _ = nix::unistd::write(&go_w, b"g");
            }
            drop(go_w);
            wait_exit(child)
        }
    }
}

fn setup_failed(spec: &SandboxSpec, message: &str) -> i32 {
    let _ = fs::write(&spec.error_file, message);
    SETUP_FAILED
}

/// Creates the namespaces, and the uid/gid mapping unless a privileged parent writes it
/// (`ids` given).
fn enter_namespaces(spec: &SandboxSpec, ids: Option<(u32, u32)>) -> Result<(), String> {
    let uid = nix::unistd::getuid().as_raw();
    let gid = nix::unistd::getgid().as_raw();
    let mut flags = CloneFlags::CLONE_NEWUSER
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWIPC
        | CloneFlags::CLONE_NEWUTS;
    if !spec.network {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    unshare(flags).map_err(|e| format!("{NAMESPACE_FAILURE} (unshare): {e}"))?;
    if ids.is_some() {
        return Ok(());
    }
    let write = |file: &str, text: String| {
        fs::write(file, text).map_err(|e| format!("{NAMESPACE_FAILURE} (writing '{file}'): {e}"))
    };
    write("/proc/self/setgroups", "deny".to_owned())?;
    write("/proc/self/uid_map", format!("{SANDBOX_UID} {uid} 1"))?;
    write("/proc/self/gid_map", format!("{SANDBOX_GID} {gid} 1"))?;
    Ok(())
}

/// In the child (PID 1 of the new namespace): mounts, pivot_root, exec. Returns only on
/// failure.
fn run_init(spec: &SandboxSpec) -> String {
    if let Err(e) = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL) {
        return format!("setting the parent-death signal: {e}");
    }
    if let Err(e) = set_up_root(spec) {
        return e;
    }
    if let Err(e) = sethostname("localhost") {
        return format!("setting the host name: {e}");
    }
    // SAFETY: a valid NUL-terminated string and its length.
    unsafe {
        libc::setdomainname(c"(none)".as_ptr(), 6);
    }
    if !spec.network
        && let Err(e) = loopback_up()
    {
        return format!("bringing up the loopback interface: {e}");
    }
    if let Err(e) = chdir(spec.workdir.as_str()) {
        return format!("changing to '{}': {e}", spec.workdir);
    }
    let to_c = |s: &str| CString::new(s).map_err(|_| format!("'{s}' contains a NUL byte"));
    let builder = match to_c(&spec.builder) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut argv = vec![builder.clone()];
    let mut envp = Vec::new();
    for a in &spec.args {
        match to_c(a) {
            Ok(a) => argv.push(a),
            Err(e) => return e,
        }
    }
    for (k, v) in &spec.env {
        match to_c(&format!("{k}={v}")) {
            Ok(a) => envp.push(a),
            Err(e) => return e,
        }
    }
    if spec.build_ids.is_some() {
        // Setup ran as root of the namespace; the builder runs as the mapped build user.
        let (uid, gid) = (
            nix::unistd::Uid::from_raw(SANDBOX_UID),
            nix::unistd::Gid::from_raw(SANDBOX_GID),
        );
        if let Err(e) = nix::unistd::setgroups(&[])
            .and_then(|()| nix::unistd::setgid(gid))
            .and_then(|()| nix::unistd::setuid(uid))
        {
            return format!("switching to the build user: {e}");
        }
        // Changing the user cleared the parent-death signal.
        if let Err(e) = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL) {
            return format!("setting the parent-death signal: {e}");
        }
    }
    // SAFETY: a plain prctl call.
    unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    }
    let Err(e) = execve(&builder, &argv, &envp);
    // Not a sandbox failure: the builder itself is missing or not executable.
    eprintln!("error: executing builder '{}': {e}", spec.builder);
    std::process::exit(127);
}

fn mnt_err(what: &str, path: &Path, e: nix::errno::Errno) -> String {
    format!("{what} '{}': {e}", path.display())
}

fn set_up_root(spec: &SandboxSpec) -> Result<(), String> {
    let root = &spec.root;
    let none: Option<&str> = None;
    mount(none, "/", none, MsFlags::MS_REC | MsFlags::MS_PRIVATE, none)
        .map_err(|e| mnt_err("making private", Path::new("/"), e))?;
    mount(
        Some(root),
        root,
        none,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        none,
    )
    .map_err(|e| mnt_err("bind-mounting", root, e))?;

    for bind in &spec.binds {
        bind_mount(root, bind)?;
    }

    let proc = root.join("proc");
    fs::create_dir_all(&proc).map_err(|e| format!("creating '{}': {e}", proc.display()))?;
    mount(Some("proc"), &proc, Some("proc"), MsFlags::empty(), none)
        .map_err(|e| mnt_err("mounting proc on", &proc, e))?;

    let shm = root.join("dev/shm");
    fs::create_dir_all(&shm).map_err(|e| format!("creating '{}': {e}", shm.display()))?;
    mount(
        Some("none"),
        &shm,
        Some("tmpfs"),
        MsFlags::empty(),
        Some("size=50%"),
    )
    .map_err(|e| mnt_err("mounting tmpfs on", &shm, e))?;
    // A private devpts is optional.
    let pts = root.join("dev/pts");
    if fs::create_dir_all(&pts).is_ok()
        && mount(
            Some("none"),
            &pts,
            Some("devpts"),
            MsFlags::empty(),
            Some("newinstance,mode=0620"),
        )
        .is_ok()
    {
        let _ = std::os::unix::fs::symlink("/dev/pts/ptmx", root.join("dev/ptmx"));
        let _ = fs::set_permissions(pts.join("ptmx"), fs::Permissions::from_mode(0o666));
    }

    chdir(root).map_err(|e| mnt_err("changing to", root, e))?;
    pivot_root(".", ".").map_err(|e| mnt_err("pivot_root to", root, e))?;
    umount2(".", MntFlags::MNT_DETACH).map_err(|e| mnt_err("unmounting", Path::new("old /"), e))?;
    chdir("/").map_err(|e| mnt_err("changing to", Path::new("/"), e))?;
    Ok(())
}

fn bind_mount(root: &Path, bind: &BindMount) -> Result<(), String> {
    let target = root.join(bind.target.trim_start_matches('/'));
    let meta = fs::metadata(&bind.source)
        .map_err(|e| format!("reading '{}': {e}", bind.source.display()))?;
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("creating '{}': {e}", parent.display()))?;
    }
    let made = if meta.is_dir() {
        fs::create_dir_all(&target)
    } else {
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&target)
            .map(|_| ())
    };
    made.map_err(|e| format!("creating '{}': {e}", target.display()))?;
    let none: Option<&str> = None;
    mount(
        Some(&bind.source),
        &target,
        none,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        none,
    )
    .map_err(|e| {
        mnt_err(
            &format!("bind-mounting '{}' on", bind.source.display()),
            &target,
            e,
        )
    })?;
    if bind.read_only {
        // A remount in a user namespace must keep the flags locked by the original mount.
        let flags =
            MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | locked_flags(&target);
        mount(none, &target, none, flags, none)
            .map_err(|e| mnt_err("making read-only", &target, e))?;
    }
    Ok(())
}

/// The mount flags of the mount holding `path` that a user namespace may not clear.
fn locked_flags(path: &Path) -> MsFlags {
    let mut flags = MsFlags::empty();
    if let Ok(st) = nix::sys::statvfs::statvfs(path) {
        use nix::sys::statvfs::FsFlags;
        let f = st.flags();
        for (fs_flag, ms_flag) in [
            (FsFlags::ST_NOSUID, MsFlags::MS_NOSUID),
            (FsFlags::ST_NODEV, MsFlags::MS_NODEV),
            (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC),
            (FsFlags::ST_NOATIME, MsFlags::MS_NOATIME),
            (FsFlags::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
            (FsFlags::ST_RELATIME, MsFlags::MS_RELATIME),
        ] {
            if f.contains(fs_flag) {
                flags |= ms_flag;
            }
        }
    }
    flags
}

/// Brings up `lo` in the new network namespace.
fn loopback_up() -> Result<(), String> {
    // SAFETY: plain socket/ioctl calls on a zero-initialised `ifreq` whose name is set
    // within bounds; the descriptor is closed on every path.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(std::io::Error::last_os_error().to_string());
        }
        let mut ifr: libc::ifreq = std::mem::zeroed();
        for (i, b) in b"lo".iter().enumerate() {
            ifr.ifr_name[i] = *b as libc::c_char;
        }
        ifr.ifr_ifru.ifru_flags = (libc::IFF_UP | libc::IFF_LOOPBACK | libc::IFF_RUNNING) as i16;
        let r = libc::ioctl(fd, libc::SIOCSIFFLAGS, &ifr);
        let err = std::io::Error::last_os_error();
        libc::close(fd);
        if r < 0 {
            return Err(err.to_string());
        }
    }
    Ok(())
}
