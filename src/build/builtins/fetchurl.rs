//! `builtin:fetchurl`: Nix's built-in fetcher, the builder of `<nix/fetchurl.nix>`.
//!
//! Attributes: `url` and/or `urls` (space-separated; `url` is tried first, then each of
//! `urls`, and the first download that succeeds is used), `unpack` (`"1"`: the file is a
//! tarball whose single top-level entry becomes `$out`), `executable` (`"1"`: `$out` is
//! made executable), and the fixed-output hash (`outputHash`, `outputHashAlgo`,
//! `outputHashMode`), which the builder checks after this function returns, so a wrong
//! file fails with `hash mismatch in fixed-output derivation` naming both hashes.
//! `http://`, `https://` and `file://` URLs are fetched, with their bytes shown in the
//! build progress.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::{BuiltinBuild, BuiltinError, copy_tree, io_error};

/// Fetches the URL into `$out`.
pub fn fetchurl(b: &mut BuiltinBuild<'_>) -> Result<(), BuiltinError> {
    let urls = candidate_urls(b)?;
    let unpack = b.env.get("unpack").is_some_and(|v| v == "1");
    let executable = b.env.get("executable").is_some_and(|v| v == "1");
    let out = b.output("out")?.real.clone();
    let file = b.workdir.join("download");
    let mut failures = Vec::new();
    let mut fetched = None;
    for url in &urls {
        match b.download(url, &file) {
            Ok(_) => {
                fetched = Some(url.clone());
                break;
            }
            Err(e) => {
                b.log.line(&e.to_string());
                failures.push(e.to_string());
            }
        }
    }
    let Some(url) = fetched else {
        return Err(BuiltinError::Failed(failures.join("\n")));
    };
    if unpack {
        let into = b.workdir.join("unpacked");
        fs::create_dir(&into).map_err(io_error("creating", &into))?;
        let top = crate::fetch::unpack_tarball(&file, &url, &into)
            .map_err(|e| BuiltinError::Failed(e.to_string()))?;
        move_into_place(&top, &out)?;
    } else {
        move_into_place(&file, &out)?;
    }
    if executable {
        let meta = fs::symlink_metadata(&out).map_err(io_error("reading", &out))?;
        if meta.is_file() {
            fs::set_permissions(&out, fs::Permissions::from_mode(0o755))
                .map_err(io_error("making executable", &out))?;
        }
    }
    Ok(())
}

/// `url`, then the entries of `urls` not already listed.
fn candidate_urls(b: &BuiltinBuild<'_>) -> Result<Vec<String>, BuiltinError> {
    let mut urls: Vec<String> = Vec::new();
    let listed = b.env.get("url").map(String::as_str).into_iter();
    let more = b
        .env
        .get("urls")
        .map_or("", String::as_str)
        .split_whitespace();
    for url in listed.chain(more) {
        if !url.is_empty() && !urls.iter().any(|u| u == url) {
            urls.push(url.to_owned());
        }
    }
    if urls.is_empty() {
        return Err(BuiltinError::MissingAttribute("url".to_owned()));
    }
    Ok(urls)
}

/// Renames `from` to `to`, copying when they are on different file systems.
fn move_into_place(from: &Path, to: &Path) -> Result<(), BuiltinError> {
    match fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.raw_os_error() == Some(libc::EXDEV) => copy_tree(from, to),
        Err(e) => Err(io_error("moving into place", to)(e)),
    }
}
