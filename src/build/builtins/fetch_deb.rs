//! `builtin:fetch-deb`: one `.deb` file of the archive, as a fixed-output path.
//!
//! Attributes: `package`, `version`, `architecture` (the real values, epoch included),
//! `filename` (the file's path on a mirror, `pool/main/h/hello/hello_2.10-3_amd64.deb`),
//! `mirrors` (space-separated base URLs, may be empty), and the fixed-output hash.
//!
//! The back ends are tried in this order, and the first file whose hash is the expected
//! one wins:
//! 1. local directories of `.deb` files: `sysrebuild build --deb-dir DIR`, then
//!    `$SYSREBUILD_DEB_DIR` (`:`-separated), looked up by the pool file name and by apt's
//!    name (`pkg_1%3a2.0-1_amd64.deb` for epochs);
//! 2. apt's cache, `/var/cache/apt/archives`, by the same names;
//! 3. `apt-get download pkg=version`, where `apt-get` is on the `PATH` (the host's apt
//!    sources must have the version);
//! 4. each mirror, `<mirror>/<filename>` (`http://`, `https://` or `file://`).
//!
//! When no back end has the right file but one produced a file with another hash, that
//! file is the output, so the build fails with the usual `hash mismatch in fixed-output
//! derivation` naming both hashes. When none produced anything, the error names the
//! package and what each back end said.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{BuiltinBuild, BuiltinError, io_error};
use crate::debfile::{valid_package_name, valid_version};
use crate::store::hash::{Hash, HashAlgo};

/// The environment variable naming local directories of `.deb` files.
pub const DEB_DIR_VAR: &str = "SYSREBUILD_DEB_DIR";

/// apt's download cache.
const APT_ARCHIVES: &str = "/var/cache/apt/archives";

/// The package a fetch is for, validated.
struct Wanted {
    package: String,
    version: String,
    architecture: String,
    filename: String,
    expected: Hash,
}

impl Wanted {
    fn from_env(b: &BuiltinBuild<'_>) -> Result<Wanted, BuiltinError> {
        let package = b.attr("package")?.to_owned();
        let version = b.attr("version")?.to_owned();
        let architecture = b.attr("architecture")?.to_owned();
        let filename = b.attr("filename")?.to_owned();
        if !valid_package_name(&package) {
            return Err(BuiltinError::Failed(format!(
                "'{package}' is not a valid Debian package name"
            )));
        }
        if !valid_version(&version) {
            return Err(BuiltinError::Failed(format!(
                "'{version}' is not a valid Debian version (package '{package}')"
            )));
        }
        if !architecture
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(BuiltinError::Failed(format!(
                "'{architecture}' is not a valid Debian architecture (package '{package}')"
            )));
        }
        let safe_filename = !filename.starts_with('/')
            && filename.ends_with(".deb")
            && filename
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != "..");
        if !safe_filename {
            return Err(BuiltinError::Failed(format!(
                "'{filename}' is not a relative path of a .deb file (package '{package}')"
            )));
        }
        let algo: HashAlgo = b
            .attr("outputHashAlgo")?
            .parse()
            .map_err(|e| BuiltinError::Failed(format!("outputHashAlgo: {e}")))?;
        let expected = Hash::parse(b.attr("outputHash")?, Some(algo))
            .map_err(|e| BuiltinError::Failed(format!("outputHash: {e}")))?;
        Ok(Wanted {
            package,
            version,
            architecture,
            filename,
            expected,
        })
    }

    /// The names a local copy may have: the pool's and apt's (`:` escaped as `%3a`).
    fn local_names(&self) -> Vec<String> {
        let pool = self
            .filename
            .rsplit('/')
            .next()
            .unwrap_or(&self.filename)
            .to_owned();
        let apt = format!(
            "{}_{}_{}.deb",
            self.package,
            self.version.replace(':', "%3a"),
            self.architecture
        );
        if pool == apt {
            vec![pool]
        } else {
            vec![pool, apt]
        }
    }

    /// The argument for `apt-get download`.
    fn apt_spec(&self) -> String {
        let native = debian_arch(std::env::consts::ARCH);
        if self.architecture == "all" || Some(self.architecture.as_str()) == native {
            format!("{}={}", self.package, self.version)
        } else {
            format!("{}:{}={}", self.package, self.architecture, self.version)
        }
    }
}

/// Debian's name for a Rust target architecture.
fn debian_arch(rust_arch: &str) -> Option<&'static str> {
    Some(match rust_arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "i386",
        "arm" => "armhf",
        "riscv64" => "riscv64",
        "powerpc64" => "ppc64el",
        "s390x" => "s390x",
        _ => return None,
    })
}

/// What the back ends did so far.
#[derive(Default)]
struct Attempts {
    /// One line per back end tried.
    notes: Vec<String>,
    /// The first file found with a different hash.
    mismatch: Option<PathBuf>,
}

impl Attempts {
    /// Checks a candidate; `true` when it is the right file.
    fn check(&mut self, source: &str, path: &Path, expected: &Hash) -> bool {
        match Hash::of_file(expected.algo(), path) {
            Ok(got) if got == *expected => true,
            Ok(got) => {
                self.notes.push(format!(
                    "{source}: '{}' has {} instead",
                    path.display(),
                    got.encode_prefixed(crate::store::hash::HashFormat::Nix32)
                ));
                self.mismatch.get_or_insert_with(|| path.to_owned());
                false
            }
            Err(e) => {
                self.notes.push(format!(
                    "{source}: cannot read '{}': {}",
                    path.display(),
                    crate::build::error::describe(&e)
                ));
                false
            }
        }
    }
}

/// Fetches the `.deb` into `$out`.
pub fn fetch_deb(b: &mut BuiltinBuild<'_>) -> Result<(), BuiltinError> {
    let wanted = Wanted::from_env(b)?;
    let out = b.output("out")?.real.clone();
    let mut attempts = Attempts::default();
    let found = find_local(b.deb_dirs, &wanted, &mut attempts)
        .or_else(|| apt_download(b, &wanted, &mut attempts))
        .or_else(|| from_mirrors(b, &wanted, &mut attempts));
    let (source, path) = match (found, attempts.mismatch.take()) {
        (Some(found), _) => found,
        (None, Some(mismatch)) => ("a file with another hash".to_owned(), mismatch),
        (None, None) => {
            return Err(BuiltinError::Failed(format!(
                "cannot fetch {} {} ({}); tried:\n  {}",
                wanted.package,
                wanted.version,
                wanted.architecture,
                attempts.notes.join("\n  ")
            )));
        }
    };
    fs::copy(&path, &out).map_err(io_error("copying", &path))?;
    b.log.line(&format!(
        "fetched {} {} from {source}",
        wanted.package, wanted.version
    ));
    Ok(())
}

/// Back ends 1 and 2: local directories and apt's cache.
fn find_local(
    deb_dirs: &[PathBuf],
    wanted: &Wanted,
    attempts: &mut Attempts,
) -> Option<(String, PathBuf)> {
    let mut dirs: Vec<(String, PathBuf)> = deb_dirs
        .iter()
        .map(|d| (format!("--deb-dir '{}'", d.display()), d.clone()))
        .collect();
    let from_env: Vec<(String, PathBuf)> = std::env::var_os(DEB_DIR_VAR)
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|d| !d.as_os_str().is_empty())
                .map(|d| (format!("${DEB_DIR_VAR} '{}'", d.display()), d))
                .collect()
        })
        .unwrap_or_default();
    if from_env.is_empty() {
        attempts.notes.push(format!("${DEB_DIR_VAR}: not set"));
    }
    dirs.extend(from_env);
    dirs.push(("apt's cache".to_owned(), PathBuf::from(APT_ARCHIVES)));
    for (source, dir) in dirs {
        let mut seen = false;
        for name in wanted.local_names() {
            let path = dir.join(&name);
            if path.is_file() {
                seen = true;
                if attempts.check(&source, &path, &wanted.expected) {
                    return Some((source, path));
                }
            }
        }
        if !seen {
            attempts.notes.push(format!(
                "{source}: no {}",
                wanted.local_names().join(" or ")
            ));
        }
    }
    None
}

/// Back end 3: `apt-get download`, in a directory of its own.
fn apt_download(
    b: &mut BuiltinBuild<'_>,
    wanted: &Wanted,
    attempts: &mut Attempts,
) -> Option<(String, PathBuf)> {
    let dir = b.workdir.join("apt-get");
    if let Err(e) = fs::create_dir_all(&dir) {
        attempts.notes.push(format!(
            "apt-get download: cannot create '{}': {}",
            dir.display(),
            crate::build::error::describe(&e)
        ));
        return None;
    }
    let spec = wanted.apt_spec();
    let output = Command::new("apt-get")
        .args(["download", "-q", &spec])
        .current_dir(&dir)
        .output();
    let source = format!("apt-get download {spec}");
    let output = match output {
        Ok(o) => o,
        Err(e) => {
            attempts.notes.push(format!(
                "{source}: cannot run apt-get: {}",
                crate::build::error::describe(&e)
            ));
            return None;
        }
    };
    for line in String::from_utf8_lossy(&output.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&output.stderr).lines())
    {
        b.log.line(&format!("apt-get: {line}"));
    }
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr
            .lines()
            .find(|l| l.starts_with("E:"))
            .unwrap_or("failed");
        attempts.notes.push(format!("{source}: {reason}"));
        return None;
    }
    let downloaded = fs::read_dir(&dir).ok().and_then(|entries| {
        entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "deb"))
    });
    match downloaded {
        Some(path) if attempts.check(&source, &path, &wanted.expected) => Some((source, path)),
        Some(_) => None,
        None => {
            attempts
                .notes
                .push(format!("{source}: no .deb was written"));
            None
        }
    }
}

/// Back end 4: the mirrors.
fn from_mirrors(
    b: &mut BuiltinBuild<'_>,
    wanted: &Wanted,
    attempts: &mut Attempts,
) -> Option<(String, PathBuf)> {
    let mirrors: Vec<String> = b
        .env
        .get("mirrors")
        .map(|m| m.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if mirrors.is_empty() {
        attempts.notes.push("mirrors: none given".to_owned());
    }
    for (i, mirror) in mirrors.iter().enumerate() {
        let url = format!("{}/{}", mirror.trim_end_matches('/'), wanted.filename);
        let dest = b.workdir.join(format!("mirror-{i}.deb"));
        match b.download(&url, &dest) {
            Ok(_) => {
                if attempts.check(&url, &dest, &wanted.expected) {
                    return Some((url, dest));
                }
            }
            Err(e) => attempts.notes.push(format!("{url}: {e}")),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(version: &str, arch: &str) -> Wanted {
        Wanted {
            package: "busybox-static".into(),
            version: version.into(),
            architecture: arch.into(),
            filename: "pool/main/b/busybox/busybox-static_1.35.0-4_amd64.deb".into(),
            expected: Hash::digest(HashAlgo::Sha256, ""),
        }
    }

    #[test]
    fn local_names_cover_pool_and_apt_spellings() {
        assert_eq!(
            wanted("1:1.35.0-4", "amd64").local_names(),
            vec![
                "busybox-static_1.35.0-4_amd64.deb".to_owned(),
                "busybox-static_1%3a1.35.0-4_amd64.deb".to_owned()
            ]
        );
        assert_eq!(wanted("1.35.0-4", "amd64").local_names().len(), 1);
    }

    #[test]
    fn apt_spec_names_foreign_architectures() {
        assert_eq!(wanted("1.0", "all").apt_spec(), "busybox-static=1.0");
        let native = debian_arch(std::env::consts::ARCH).unwrap();
        assert_eq!(wanted("1.0", native).apt_spec(), "busybox-static=1.0");
        let foreign = if native == "s390x" { "amd64" } else { "s390x" };
        assert_eq!(
            wanted("1.0", foreign).apt_spec(),
            format!("busybox-static:{foreign}=1.0")
        );
    }
}
