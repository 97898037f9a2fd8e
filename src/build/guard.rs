//! The `sysrebuild __guard PARENT BUILDER ARGS…` helper, which runs an unsandboxed
//! builder so that it dies with sysrebuild even when sysrebuild is killed with SIGKILL.
//!
//! A parent-death signal only reaches the direct child, not what the builder starts in
//! turn. The guard leads the build's process group (sysrebuild starts it in a new
//! group), asks for SIGTERM when sysrebuild dies, and on SIGTERM kills the whole group
//! (itself included) with SIGKILL. It passes the builder's exit status on (128 + signal
//! when killed). Sandboxed builds need no guard: their PID namespace dies with its init.

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

/// The exit status of a guard whose builder could not be started.
pub const CANNOT_START: i32 = 127;

extern "C" fn kill_group(_: libc::c_int) {
    // SAFETY: kill is async-signal-safe; 0 is this process's group.
    unsafe {
        libc::kill(0, libc::SIGKILL);
    }
}

/// Entry point of `sysrebuild __guard`; returns the exit status.
pub fn guard_main(mut args: impl Iterator<Item = OsString>) -> i32 {
    let parent: Option<i32> = args.next().and_then(|p| p.to_string_lossy().parse().ok());
    let Some(builder) = args.next() else {
        eprintln!("error: __guard needs the parent's pid and a builder");
        return CANNOT_START;
    };
    // SAFETY: installing a handler that only calls an async-signal-safe function.
    let installed = unsafe {
        libc::signal(libc::SIGTERM, kill_group as *const () as libc::sighandler_t) != libc::SIG_ERR
    };
    if !installed || nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGTERM).is_err() {
        eprintln!("error: cannot arrange for the builder to die with sysrebuild");
        return CANNOT_START;
    }
    // sysrebuild may have died before the parent-death signal was set.
    if parent != Some(nix::unistd::getppid().as_raw()) {
        kill_group(0);
    }
    let status = Command::new(&builder).args(args).status();
    match status {
        Ok(s) => s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0)),
        Err(e) => {
            eprintln!(
                "error: cannot start the builder '{}': {}",
                builder.to_string_lossy(),
                super::error::describe(&e)
            );
            CANNOT_START
        }
    }
}
