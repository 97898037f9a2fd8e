//! `builtin:sysrebuild-self`: sysrebuild itself as a store path (`pkgs.sysrebuild`), so
//! that a system can contain the tool and its activation engine.
//!
//! The output is `bin/sysrebuild` (a copy of the running executable) and
//! `share/sysrebuild/{lib,modules,pkgs,…}` (its Nix files, found as the evaluator finds
//! them), which is where the copied binary looks for them.
//!
//! The derivation has no inputs, so its output path does not change with the binary:
//! building it with two different sysrebuild binaries gives two different contents
//! under one path. Rebuilding it (`sysrebuild store delete` or a new store) takes the
//! binary that runs the build.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

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

    let root = crate::eval::settings::sysrebuild_root();
    let share = out.join("share/sysrebuild");
    fs::create_dir_all(&share).map_err(io_error("creating", &share))?;
    for dir in SHARED_DIRS {
        let from = Path::new(&root).join(dir);
        if from.is_dir() {
            copy_tree(&from, &share.join(dir))?;
        }
    }
    b.log.line(&format!(
        "copied '{}' and the Nix files of '{root}'",
        exe.display()
    ));
    Ok(())
}
