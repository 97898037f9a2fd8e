//! `builtin:unpack-deb`: a Debian package as a store path.
//!
//! Attributes: `src` (the fetched `.deb`), `srcs` (every `.deb` of the package's
//! dependency cycle, `src` first; defaults to `src` alone), `deps` (the store paths of
//! the packages it depends on). The output holds:
//! - the files of each `data.tar`, extracted safely (see [`crate::debfile::extract`]);
//! - `DEBIAN/`: the control file and maintainer scripts of `src` (for reference: they
//!   are never run), and `DEBIAN/members/<Package>/` for each member of a cycle;
//! - `nix-support/propagated-deps`: `deps`, one per line, so that they are references
//!   of the output and `buildEnv` merges them too.

use std::fs;
use std::path::Path;

use super::{BuiltinBuild, BuiltinError, io_error};
use crate::debfile::extract::Extractor;
use crate::debfile::{DebError, DebFile, control_field, valid_package_name};

/// Unpacks `src`/`srcs` into `$out`.
pub fn unpack_deb(b: &mut BuiltinBuild<'_>) -> Result<(), BuiltinError> {
    let src = b.attr("src")?.to_owned();
    let srcs: Vec<String> = match b.env.get("srcs") {
        Some(s) if !s.trim().is_empty() => s.split_whitespace().map(str::to_owned).collect(),
        _ => vec![src.clone()],
    };
    let deps: Vec<String> = b
        .env
        .get("deps")
        .map(|d| d.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let out = b.output("out")?.real.clone();
    fs::create_dir(&out).map_err(io_error("creating", &out))?;

    let mut extractor = Extractor::new(&out);
    let mut members = Vec::new();
    for logical in &srcs {
        let real = b.real_path(logical);
        let failed = |e: DebError| BuiltinError::Failed(format!("'{logical}': {e}"));
        let mut deb = DebFile::open(&real).map_err(failed)?;
        let control_files = deb.control_files().map_err(failed)?;
        let control = control_files
            .iter()
            .find(|(n, _)| n == "control")
            .map(|(_, c)| String::from_utf8_lossy(c).into_owned())
            .unwrap_or_default();
        let package = control_field(&control, "Package")
            .filter(|p| valid_package_name(p))
            .ok_or_else(|| {
                BuiltinError::Failed(format!(
                    "'{logical}': the control file has no valid 'Package' field"
                ))
            })?
            .to_owned();
        let version = control_field(&control, "Version").unwrap_or("?").to_owned();
        let shown = format!("{package} {version}");
        let skipped = extractor
            .extract(deb.data_tar().map_err(failed)?, &shown)
            .map_err(failed)?;
        b.log.line(&format!("unpacked {shown} from {logical}"));
        for s in &skipped.special {
            b.log.line(&format!("  skipped the special file '{s}'"));
        }
        for s in &skipped.setid {
            b.log.line(&format!("  dropped the set-id bits of '{s}'"));
        }
        members.push((package, control_files));
    }

    let debian = out.join("DEBIAN");
    if let Some((_, files)) = members.first() {
        write_control_files(&debian, files)?;
    }
    if members.len() > 1 {
        for (package, files) in &members {
            write_control_files(&debian.join("members").join(package), files)?;
        }
    }
    if !deps.is_empty() {
        let support = out.join("nix-support");
        fs::create_dir_all(&support).map_err(io_error("creating", &support))?;
        let file = support.join("propagated-deps");
        let mut text = deps.join("\n");
        text.push('\n');
        fs::write(&file, text).map_err(io_error("writing", &file))?;
    }
    Ok(())
}

fn write_control_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), BuiltinError> {
    fs::create_dir_all(dir).map_err(io_error("creating", dir))?;
    for (name, contents) in files {
        let path = dir.join(name);
        fs::write(&path, contents).map_err(io_error("writing", &path))?;
    }
    Ok(())
}
