//! The links that make a generation the running system: `/usr` → its `sw/usr` with
//! Debian's merged-usr links beside it (`/bin` → `usr/bin`, …), and
//! `/run/current-system`.

use std::fs;
use std::path::Path;

use super::{Activation, ActivationError, ActivationResult, symlink_atomically};

/// The merged-usr links of the root directory.
const MERGED: &[(&str, &str)] = &[
    ("bin", "usr/bin"),
    ("sbin", "usr/sbin"),
    ("lib", "usr/lib"),
    ("lib64", "usr/lib64"),
];

/// Points `/usr` at the generation's packages and makes the merged-usr links.
pub fn activate_usr(a: &Activation, report: &mut dyn FnMut(&str)) -> ActivationResult<()> {
    let usr_target = a.system.join("sw/usr");
    replace_link(a, "usr", &usr_target, report)?;
    for (name, target) in MERGED {
        replace_link(a, name, Path::new(target), report)?;
    }
    Ok(())
}

/// Points `/run/current-system` at the generation.
pub fn activate_current_system(
    a: &Activation,
    report: &mut dyn FnMut(&str),
) -> ActivationResult<()> {
    replace_link(a, "run/current-system", &a.system, report)
}

/// Makes `/NAME` a link to `target`, unless it already is one; a real directory or file
/// there is never replaced (it would be data, or a host that is not a sysrebuild system).
fn replace_link(
    a: &Activation,
    name: &str,
    target: &Path,
    report: &mut dyn FnMut(&str),
) -> ActivationResult<()> {
    let link = a.host_path(name);
    match fs::symlink_metadata(&link) {
        Ok(meta) if meta.file_type().is_symlink() => {
            if fs::read_link(&link).ok().as_deref() == Some(target) {
                return Ok(());
            }
        }
        Ok(_) => {
            return Err(ActivationError::Refused {
                path: link,
                reason: format!(
                    "it is not a symbolic link; on a sysrebuild system /{name} links to {}",
                    target.display()
                ),
            });
        }
        Err(_) => {}
    }
    report(&format!("/{name} -> {}", target.display()));
    if a.dry_run {
        return Ok(());
    }
    symlink_atomically(target, &link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_usr_and_refuses_real_directories() {
        let dir = tempfile::tempdir().unwrap();
        let a = Activation {
            system: "/nix/store/abc-system".into(),
            root: dir.path().to_owned(),
            dry_run: false,
        };
        let mut lines = Vec::new();
        activate_usr(&a, &mut |l| lines.push(l.to_owned())).unwrap();
        assert_eq!(
            fs::read_link(dir.path().join("usr")).unwrap(),
            Path::new("/nix/store/abc-system/sw/usr")
        );
        assert_eq!(
            fs::read_link(dir.path().join("bin")).unwrap(),
            Path::new("usr/bin")
        );
        assert_eq!(lines.len(), 5);
        // A second run changes nothing.
        lines.clear();
        activate_usr(&a, &mut |l| lines.push(l.to_owned())).unwrap();
        assert!(lines.is_empty(), "{lines:?}");

        fs::remove_file(dir.path().join("sbin")).unwrap();
        fs::create_dir(dir.path().join("sbin")).unwrap();
        let err = activate_usr(&a, &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("refusing to replace"), "{err}");
        assert!(dir.path().join("sbin").is_dir());
    }
}
