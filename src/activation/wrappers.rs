//! `/run/wrappers/bin`: copies of programs with privileges the store cannot hold (setuid,
//! setgid, file capabilities), from the generation's `wrappers.json`
//! (`security.wrappers`). A new directory is filled and then `/run/wrappers/bin` is
//! pointed at it in one step; older directories are removed.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde::Deserialize;

use super::{Activation, ActivationError, ActivationResult, io_error, symlink_atomically};

/// One wrapper, as `wrappers.json` describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct WrapperSpec {
    /// The name in /run/wrappers/bin.
    pub program: String,
    /// The program copied.
    pub source: String,
    /// Owner name.
    pub owner: String,
    /// Group name.
    pub group: String,
    /// Octal permission bits.
    pub permissions: String,
    /// Set the setuid bit.
    #[serde(default)]
    pub setuid: bool,
    /// Set the setgid bit.
    #[serde(default)]
    pub setgid: bool,
    /// File capabilities (`cap_net_raw+ep`).
    #[serde(default)]
    pub capabilities: String,
}

/// Makes /run/wrappers/bin the generation's.
pub fn activate(a: &Activation, report: &mut dyn FnMut(&str)) -> ActivationResult<()> {
    let spec_path = a.system_file("wrappers.json");
    let text = match fs::read_to_string(&spec_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "[]".to_owned(),
        Err(e) => return Err(io_error("reading", &spec_path)(e)),
    };
    let specs: Vec<WrapperSpec> =
        serde_json::from_str(&text).map_err(|e| ActivationError::BadSpec {
            path: spec_path.clone(),
            message: e.to_string(),
        })?;
    let base = a.host_path("run/wrappers");
    if a.dry_run {
        for w in &specs {
            report(&format!(
                "/run/wrappers/bin/{} (from {})",
                w.program, w.source
            ));
        }
        return Ok(());
    }
    fs::create_dir_all(&base).map_err(io_error("creating", &base))?;
    if a.root == Path::new("/") {
        allow_setuid(&base, report)?;
    }
    let dir = base.join(format!("wrappers.{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir(&dir).map_err(io_error("creating", &dir))?;
    for w in &specs {
        make_wrapper(a, &dir, w)?;
    }
    let old = fs::read_link(base.join("bin")).ok();
    symlink_atomically(&dir, &base.join("bin"))?;
    if let Some(old) = old
        && old != dir
    {
        let old_real = if old.is_absolute() {
            a.host_path(&old.to_string_lossy())
        } else {
            base.join(old)
        };
        let _ = fs::remove_dir_all(old_real);
    }
    report(&format!("/run/wrappers/bin: {} wrappers", specs.len()));
    Ok(())
}

/// Makes setuid and setgid bits work below `base`: /run is mounted `nosuid` by systemd,
/// so the wrappers get a tmpfs of their own there (once per boot, as NixOS does).
fn allow_setuid(base: &Path, report: &mut dyn FnMut(&str)) -> ActivationResult<()> {
    use nix::mount::{MsFlags, mount};
    use nix::sys::statvfs::{FsFlags, statvfs};
    let flags = statvfs(base)
        .map_err(|e| io_error("examining the file system of", base)(e.into()))?
        .flags();
    if !flags.contains(FsFlags::ST_NOSUID) {
        return Ok(());
    }
    mount(
        Some("tmpfs"),
        base,
        Some("tmpfs"),
        MsFlags::MS_NODEV,
        Some("mode=755,size=50%"),
    )
    .map_err(|e| io_error("mounting a tmpfs (without nosuid) on", base)(e.into()))?;
    report(&format!(
        "{}: mounted a tmpfs that allows setuid",
        base.display()
    ));
    Ok(())
}

fn make_wrapper(a: &Activation, dir: &Path, w: &WrapperSpec) -> ActivationResult<()> {
    if w.program.is_empty() || w.program.contains('/') {
        return Err(ActivationError::Failed(format!(
            "'{}' is not a valid wrapper name",
            w.program
        )));
    }
    let source = a.host_path(&w.source);
    let dest = dir.join(&w.program);
    fs::copy(&source, &dest).map_err(io_error("copying", &source))?;
    let uid = a.resolve_id(&w.owner, "etc/passwd")?;
    let gid = a.resolve_id(&w.group, "etc/group")?;
    std::os::unix::fs::chown(&dest, Some(uid), Some(gid))
        .map_err(io_error("changing the owner of", &dest))?;
    let mut mode = u32::from_str_radix(&w.permissions, 8).map_err(|_| {
        ActivationError::Failed(format!(
            "wrapper '{}': '{}' is not an octal mode",
            w.program, w.permissions
        ))
    })?;
    if w.setuid {
        mode |= 0o4000;
    }
    if w.setgid {
        mode |= 0o2000;
    }
    if !w.capabilities.is_empty() {
        let xattr = capability_xattr(&w.capabilities)
            .map_err(|m| ActivationError::Failed(format!("wrapper '{}': {m}", w.program)))?;
        set_capabilities(&dest, &xattr)?;
    }
    fs::set_permissions(&dest, fs::Permissions::from_mode(mode))
        .map_err(io_error("changing the mode of", &dest))
}

/// Capability names in kernel order (`capability.h`).
const CAPABILITIES: &[&str] = &[
    "cap_chown",
    "cap_dac_override",
    "cap_dac_read_search",
    "cap_fowner",
    "cap_fsetid",
    "cap_kill",
    "cap_setgid",
    "cap_setuid",
    "cap_setpcap",
    "cap_linux_immutable",
    "cap_net_bind_service",
    "cap_net_broadcast",
    "cap_net_admin",
    "cap_net_raw",
    "cap_ipc_lock",
    "cap_ipc_owner",
    "cap_sys_module",
    "cap_sys_rawio",
    "cap_sys_chroot",
    "cap_sys_ptrace",
    "cap_sys_pacct",
    "cap_sys_admin",
    "cap_sys_boot",
    "cap_sys_nice",
    "cap_sys_resource",
    "cap_sys_time",
    "cap_sys_tty_config",
    "cap_mknod",
    "cap_lease",
    "cap_audit_write",
    "cap_audit_control",
    "cap_setfcap",
    "cap_mac_override",
    "cap_mac_admin",
    "cap_syslog",
    "cap_wake_alarm",
    "cap_block_suspend",
    "cap_audit_read",
    "cap_perfmon",
    "cap_bpf",
    "cap_checkpoint_restore",
];

/// The `security.capability` extended attribute (VFS_CAP_REVISION_2) for a setcap(8)
/// text such as `cap_net_raw,cap_net_admin+ep`.
pub fn capability_xattr(text: &str) -> Result<Vec<u8>, String> {
    let mut permitted = 0u64;
    let mut inheritable = 0u64;
    let mut effective = false;
    for clause in text.split_whitespace() {
        let (names, flags) = clause
            .split_once(['+', '='])
            .ok_or_else(|| format!("'{clause}' has no flags (e.g. +ep)"))?;
        let mut bits = 0u64;
        for name in names.split(',') {
            let name = name.trim().to_ascii_lowercase();
            let index = CAPABILITIES
                .iter()
                .position(|c| *c == name)
                .ok_or_else(|| format!("unknown capability '{name}'"))?;
            bits |= 1 << index;
        }
        for f in flags.chars() {
            match f {
                'p' => permitted |= bits,
                'i' => inheritable |= bits,
                'e' => effective = true,
                _ => return Err(format!("unknown capability flag '{f}' in '{clause}'")),
            }
        }
    }
    const VFS_CAP_REVISION_2: u32 = 0x0200_0000;
    const VFS_CAP_FLAGS_EFFECTIVE: u32 = 0x1;
    let magic = VFS_CAP_REVISION_2
        | if effective {
            VFS_CAP_FLAGS_EFFECTIVE
        } else {
            0
        };
    let mut out = Vec::with_capacity(20);
    out.extend_from_slice(&magic.to_le_bytes());
    out.extend_from_slice(&(permitted as u32).to_le_bytes());
    out.extend_from_slice(&(inheritable as u32).to_le_bytes());
    out.extend_from_slice(&((permitted >> 32) as u32).to_le_bytes());
    out.extend_from_slice(&((inheritable >> 32) as u32).to_le_bytes());
    Ok(out)
}

fn set_capabilities(path: &Path, value: &[u8]) -> ActivationResult<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c_path = CString::new(path.as_os_str().as_bytes()).map_err(|_| {
        ActivationError::Failed(format!("'{}' contains a NUL byte", path.display()))
    })?;
    let name = c"security.capability";
    // SAFETY: both strings are NUL-terminated and `value` outlives the call.
    let rc = unsafe {
        libc::setxattr(
            c_path.as_ptr(),
            name.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io_error("setting capabilities on", path)(
            std::io::Error::last_os_error(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_capabilities_like_setcap() {
        // cap_net_raw is bit 13; +ep: permitted and effective.
        let x = capability_xattr("cap_net_raw+ep").unwrap();
        assert_eq!(&x[0..4], &0x0200_0001u32.to_le_bytes());
        assert_eq!(&x[4..8], &(1u32 << 13).to_le_bytes());
        assert_eq!(&x[8..12], &0u32.to_le_bytes());
        let x = capability_xattr("cap_bpf,cap_chown+p").unwrap();
        assert_eq!(&x[0..4], &0x0200_0000u32.to_le_bytes());
        assert_eq!(&x[4..8], &1u32.to_le_bytes());
        assert_eq!(&x[12..16], &(1u32 << (39 - 32)).to_le_bytes());
        assert!(
            capability_xattr("cap_flying+ep")
                .unwrap_err()
                .contains("unknown capability")
        );
        assert!(
            capability_xattr("cap_chown")
                .unwrap_err()
                .contains("no flags")
        );
    }
}
