//! `builtin:sysrebuild-self`: sysrebuild itself as a store path (`pkgs.sysrebuild`), so
//! that a system can contain the tool and its activation engine.
//!
//! The output is `bin/sysrebuild` (a copy of the running executable) and
//! `share/sysrebuild/{lib,modules,pkgs,…}` (a copy of the derivation's `nixFiles` input),
//! which is where the copied binary looks for them.
//!
//! The derivation carries `sourceId`, the identity of the sources the evaluating binary
//! was built from, so another sysrebuild gives another output path. The binary copied is
//! the one running the build: it must have that identity, or the output would hold a
//! different sysrebuild than its path says.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use super::{BuiltinBuild, BuiltinError, copy_tree, io_error};

/// The directories of sysrebuild's Nix files that a system needs.
const SHARED_DIRS: &[&str] = &["lib", "modules", "pkgs", "activation", "boot", "corepkgs"];

/// Copies the running sysrebuild and its Nix files into `$out`.
pub fn sysrebuild_self(b: &mut BuiltinBuild<'_>) -> Result<(), BuiltinError> {
    let out = b.output("out")?.real.clone();
    let exe = std::env::current_exe().map_err(|e| {
        BuiltinError::Failed(format!(
            "cannot find the running executable: {}",
            crate::build::error::describe(&e)
        ))
    })?;
    let bin = out.join("bin");
    fs::create_dir_all(&bin).map_err(io_error("creating", &bin))?;
    let dest = bin.join("sysrebuild");
    fs::copy(&exe, &dest).map_err(io_error("copying", &exe))?;
    fs::set_permissions(&dest, fs::Permissions::from_mode(0o555))
        .map_err(io_error("changing the mode of", &dest))?;

    let wanted = b.attr("sourceId")?;
    let ours = env!("SYSREBUILD_SOURCE_ID");
    if wanted != ours {
        return Err(BuiltinError::Failed(format!(
            "this derivation wants the sysrebuild built from sources '{wanted}', but the \
             running sysrebuild was built from '{ours}'; evaluate and build with the same binary"
        )));
    }
    let nix_files = b.real_path(b.attr("nixFiles")?);
    let share = out.join("share/sysrebuild");
    fs::create_dir_all(&share).map_err(io_error("creating", &share))?;
    for dir in SHARED_DIRS {
        let from = nix_files.join(dir);
        if from.is_dir() {
            copy_tree(&from, &share.join(dir))?;
        }
    }
    b.log.line(&format!(
        "copied '{}' (sources {ours}) and the Nix files of '{}'",
        exe.display(),
        nix_files.display()
    ));
    Ok(())
}
