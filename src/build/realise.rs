//! Building one derivation: lock its outputs, skip it if they became valid, clear what
//! an unfinished build left, prepare the build directory (a sandbox root or a plain
//! directory), run the builder, then move, canonicalise, scan, hash, check and register
//! the outputs — all of them at once, and only when every one is in place.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::builtins::{self, BuiltinBuild, BuiltinOutput};
use super::canon::canonicalise;
use super::env::{EnvLayout, build_env};
use super::error::{BuildError, BuildResult, io_err};
use super::lock::{OutputLocks, lock_outputs};
use super::log::{LogSink, log_path};
use super::progress::Progress;
use super::refs::RefScanner;
use super::run::{Invocation, Isolation, Outcome, run_builder};
use super::sandbox::{BUILD_GID, BUILD_UID, BindMount};
use super::store::{BuildStore, RegisteredPath, remove_tree};
use crate::store::derivation::Derivation;
use crate::store::hash::Hash;
use crate::store::nar::{nar_hash, nar_hash_with};
use crate::store::path::{FileIngestionMethod, StorePath};

/// How builds are run.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    /// Build in namespaces (the default) or directly.
    pub sandbox: bool,
    /// Extra host paths visible in the sandbox (`target=source`).
    pub sandbox_paths: Vec<BindMount>,
    /// `NIX_BUILD_CORES`.
    pub cores: usize,
    /// Keep the build directory of a failed build.
    pub keep_failed: bool,
    /// Kill builds running longer than this.
    pub timeout: Option<Duration>,
    /// Echo build logs to the terminal, prefixed with the derivation name (`-L`).
    pub print_logs: bool,
    /// Directories of `.deb` files `builtin:fetch-deb` looks in first (`--deb-dir`).
    pub deb_dirs: Vec<PathBuf>,
}

/// What [`realise`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realised {
    /// The builder ran and the outputs are registered.
    Built,
    /// The outputs were already valid (e.g. another process built them meanwhile).
    AlreadyValid,
}

/// One derivation to build.
#[derive(Debug, Clone)]
pub struct BuildTask<'a> {
    /// The `.drv` path.
    pub drv_path: &'a StorePath,
    /// The parsed derivation.
    pub drv: &'a Derivation,
    /// Its direct inputs: input sources and the used outputs of input derivations.
    pub inputs: &'a BTreeSet<StorePath>,
}

/// This machine's Nix platform name.
pub fn host_system() -> String {
    format!("{}-linux", std::env::consts::ARCH)
}

/// The output names and paths of `drv` (`drv_name` for errors).
pub fn output_paths(drv: &Derivation, drv_name: &str) -> BuildResult<Vec<(String, StorePath)>> {
    drv.outputs
        .iter()
        .map(|(name, o)| match &o.path {
            Some(p) => Ok((name.clone(), p.clone())),
            None => Err(BuildError::BadDerivation {
                drv: drv_name.to_owned(),
                message: format!(
                    "output '{name}' has no path (content-addressed derivations are not supported)"
                ),
            }),
        })
        .collect()
}

/// A derivation's outputs, temporarily rooted and locked for building.
struct ClaimedOutputs {
    /// The derivation, as users see it.
    drv_shown: String,
    /// Output names and paths.
    outputs: Vec<(String, StorePath)>,
    /// Where each output really is (same order).
    reals: Vec<PathBuf>,
    /// Held until the build is over.
    _locks: OutputLocks,
}

/// Roots `task`'s outputs for this process and takes their locks, saying so while
/// another process holds one.
fn claim_outputs(
    store: &dyn BuildStore,
    progress: &Progress,
    task: &BuildTask<'_>,
) -> BuildResult<ClaimedOutputs> {
    let drv_shown = store.store_dir().display(task.drv_path);
    let outputs = output_paths(task.drv, &drv_shown)?;
    let reals: Vec<PathBuf> = outputs.iter().map(|(_, p)| store.real_path(p)).collect();
    for (_, p) in &outputs {
        store.add_temp_root(p)?;
    }
    let locks = lock_outputs(&reals, &|lock| {
        progress.println(&format!(
            "waiting for lock on '{}' (another process is building '{drv_shown}')",
            lock.display()
        ))
    })?;
    Ok(ClaimedOutputs {
        drv_shown,
        outputs,
        reals,
        _locks: locks,
    })
}

/// Builds one derivation whose inputs are valid.
pub fn realise(
    store: &dyn BuildStore,
    cfg: &BuildConfig,
    progress: &Progress,
    task: &BuildTask<'_>,
) -> BuildResult<Realised> {
    let ClaimedOutputs {
        drv_shown,
        outputs,
        reals,
        _locks,
    } = claim_outputs(store, progress, task)?;
    let mut all_valid = true;
    for (_, p) in &outputs {
        all_valid &= store.is_valid(p)?;
    }
    if all_valid {
        return Ok(Realised::AlreadyValid);
    }
    check_buildable(task, &drv_shown)?;
    // Leftovers of an unfinished build (never registered).
    for real in &reals {
        remove_tree(real)?;
    }
    let closure = input_closure(store, task, &drv_shown)?;

    progress.started(&drv_shown, task.drv_path.name().trim_end_matches(".drv"));
    let result = build_in_dir(store, cfg, progress, task, &outputs, &closure);
    progress.finished(task.drv_path.name().trim_end_matches(".drv"));
    if result.is_err() {
        for real in &reals {
            let _ = remove_tree(real);
        }
    }
    result.map(|()| Realised::Built)
}

/// Builds `task` again although its outputs are valid, replacing them (`store verify
/// --repair` of a damaged output). The outputs present are moved aside first and put
/// back if the build fails, so a failed repair changes nothing; on success the new
/// outputs are registered over the old rows (hash, size, references). Its inputs must be
/// valid.
pub fn rebuild_for_repair(
    store: &dyn BuildStore,
    cfg: &BuildConfig,
    progress: &Progress,
    task: &BuildTask<'_>,
) -> BuildResult<()> {
    let ClaimedOutputs {
        drv_shown,
        outputs,
        reals,
        _locks,
    } = claim_outputs(store, progress, task)?;
    check_buildable(task, &drv_shown)?;
    let closure = input_closure(store, task, &drv_shown)?;
    let mut aside = Vec::new();
    for real in &reals {
        if fs::symlink_metadata(real).is_ok() {
            let name = real.file_name().map(|n| n.to_string_lossy().into_owned());
            let moved = real.with_file_name(format!(
                ".{}.repair-{}",
                name.unwrap_or_default(),
                std::process::id()
            ));
            remove_tree(&moved)?;
            fs::rename(real, &moved).map_err(io_err("moving aside", real))?;
            aside.push((real.clone(), moved));
        }
    }
    progress.started(&drv_shown, task.drv_path.name().trim_end_matches(".drv"));
    let result = build_in_dir(store, cfg, progress, task, &outputs, &closure);
    progress.finished(task.drv_path.name().trim_end_matches(".drv"));
    for (real, moved) in &aside {
        if result.is_err() {
            let _ = remove_tree(real);
            let _ = fs::rename(moved, real);
        } else {
            let _ = remove_tree(moved);
        }
    }
    result
}

/// Refuses a derivation for another system or with a builtin builder sysrebuild lacks.
fn check_buildable(task: &BuildTask<'_>, drv_shown: &str) -> BuildResult<()> {
    if task.drv.system != host_system() && task.drv.system != "builtin" {
        return Err(BuildError::WrongSystem {
            drv: drv_shown.to_owned(),
            system: task.drv.system.clone(),
            host: host_system(),
        });
    }
    if let Some(name) = task.drv.builder.strip_prefix("builtin:")
        && builtins::lookup(name).is_none()
    {
        return Err(BuildError::UnsupportedBuiltin {
            drv: drv_shown.to_owned(),
            builtin: name.to_owned(),
        });
    }
    Ok(())
}

/// The inputs and, as far as the store knows them, their references (transitively).
fn input_closure(
    store: &dyn BuildStore,
    task: &BuildTask<'_>,
    drv_shown: &str,
) -> BuildResult<BTreeSet<StorePath>> {
    let mut closure = BTreeSet::new();
    let mut todo: Vec<StorePath> = task.inputs.iter().cloned().collect();
    while let Some(p) = todo.pop() {
        if closure.contains(&p) {
            continue;
        }
        store.add_temp_root(&p)?;
        if fs::symlink_metadata(store.real_path(&p)).is_err() {
            return Err(BuildError::MissingInput {
                drv: drv_shown.to_owned(),
                input: store.store_dir().display(&p),
            });
        }
        if let Some(refs) = store.references(&p)? {
            todo.extend(refs.into_iter().filter(|r| !closure.contains(r)));
        }
        closure.insert(p);
    }
    Ok(closure)
}

/// A fresh numbered directory under `<state>/builds`.
fn new_build_dir(store: &dyn BuildStore) -> BuildResult<PathBuf> {
    let builds = store.state_dir().join("builds");
    fs::create_dir_all(&builds).map_err(io_err("creating", &builds))?;
    let mut n = 0u64;
    loop {
        let dir = builds.join(n.to_string());
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(io_err("creating", &dir)(e)),
        }
    }
}

fn mkdir(path: &Path, mode: u32) -> BuildResult<()> {
    fs::create_dir_all(path).map_err(io_err("creating", path))?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(io_err("changing permissions of", path))
}

fn write(path: &Path, contents: &[u8]) -> BuildResult<()> {
    fs::write(path, contents).map_err(io_err("writing", path))
}

/// Prepares the sandbox's root under `top`; returns it and the bind mounts.
fn prepare_sandbox_root(
    store: &dyn BuildStore,
    cfg: &BuildConfig,
    top: &Path,
    closure: &BTreeSet<StorePath>,
    network: bool,
) -> BuildResult<(PathBuf, Vec<BindMount>)> {
    let root = top.join("root");
    mkdir(&root, 0o755)?;
    let store_dir = root.join(store.store_dir().as_str().trim_start_matches('/'));
    mkdir(&store_dir, 0o1775)?;
    mkdir(&root.join("build"), 0o700)?;
    if nix::unistd::geteuid().is_root() {
        // The builder runs as the unprivileged build user (see `sandbox`).
        let own = |p: &Path, uid: u32| {
            std::os::unix::fs::chown(p, Some(uid), Some(BUILD_GID))
                .map_err(io_err("changing the owner of", p))
        };
        own(&store_dir, 0)?;
        own(&root.join("build"), BUILD_UID)?;
    }
    mkdir(&root.join("tmp"), 0o1777)?;
    mkdir(&root.join("etc"), 0o755)?;
    mkdir(&root.join("dev"), 0o755)?;
    write(
        &root.join("etc/passwd"),
        b"root:x:0:0:Nix build user:/build:/noshell\nnixbld:x:1000:100:Nix build user:/build:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n",
    )?;
    write(
        &root.join("etc/group"),
        b"root:x:0:\nnixbld:!:100:\nnogroup:x:65534:\n",
    )?;
    write(
        &root.join("etc/hosts"),
        b"127.0.0.1 localhost\n::1 localhost\n",
    )?;
    for (name, target) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        let link = root.join("dev").join(name);
        std::os::unix::fs::symlink(target, &link).map_err(io_err("creating", &link))?;
    }
    let mut binds = Vec::new();
    for dev in ["null", "zero", "full", "random", "urandom", "tty"] {
        let source = Path::new("/dev").join(dev);
        if source.exists() {
            binds.push(BindMount {
                source,
                target: format!("/dev/{dev}"),
                read_only: false,
            });
        }
    }
    if network {
        for file in ["/etc/resolv.conf", "/etc/services"] {
            if Path::new(file).exists() {
                binds.push(BindMount {
                    source: file.into(),
                    target: file.to_owned(),
                    read_only: true,
                });
            }
        }
    }
    for p in closure {
        binds.push(BindMount {
            source: store.real_path(p),
            target: store.store_dir().display(p),
            read_only: true,
        });
    }
    binds.extend(cfg.sandbox_paths.iter().cloned());
    Ok((root, binds))
}

/// Replaces the logical store directory by the real one (an unsandboxed build in a
/// relocated store sees real locations).
fn relocate(s: &str, from: &str, to: &str) -> String {
    if from == to {
        s.to_owned()
    } else {
        s.replace(&format!("{from}/"), &format!("{to}/"))
    }
}

fn build_in_dir(
    store: &dyn BuildStore,
    cfg: &BuildConfig,
    progress: &Progress,
    task: &BuildTask<'_>,
    outputs: &[(String, StorePath)],
    closure: &BTreeSet<StorePath>,
) -> BuildResult<()> {
    let sd = store.store_dir();
    let drv_shown = sd.display(task.drv_path);
    let top = new_build_dir(store)?;
    if let Some(name) = task.drv.builder.strip_prefix("builtin:") {
        return build_builtin(store, cfg, progress, task, outputs, closure, &top, name);
    }
    let network = task.drv.is_fixed_output();
    let logical_store = sd.as_str().to_owned();
    let real_store = outputs
        .first()
        .and_then(|(_, p)| store.real_path(p).parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from(&logical_store));
    let real_store = real_store.to_string_lossy().into_owned();

    let (isolation, workdir, layout) = if cfg.sandbox {
        let (root, binds) = prepare_sandbox_root(store, cfg, &top, closure, network)?;
        let layout = EnvLayout {
            build_top: "/build".to_owned(),
            store_dir: logical_store.clone(),
            cores: cfg.cores,
        };
        let workdir = root.join("build");
        let isolation = Isolation::Sandbox {
            root,
            binds,
            network,
            control_dir: top.clone(),
        };
        (isolation, workdir, layout)
    } else {
        let workdir = top.join("build");
        mkdir(&workdir, 0o700)?;
        let layout = EnvLayout {
            build_top: workdir.to_string_lossy().into_owned(),
            store_dir: real_store.clone(),
            cores: cfg.cores,
        };
        (
            Isolation::Direct {
                workdir: workdir.clone(),
            },
            workdir,
            layout,
        )
    };

    let (mut env, files) = build_env(task.drv, &layout);
    for f in &files {
        write(&workdir.join(&f.name), &f.contents)?;
    }
    let mut builder = task.drv.builder.clone();
    let mut args = task.drv.args.clone();
    if !cfg.sandbox {
        for v in env.values_mut() {
            *v = relocate(v, &logical_store, &real_store);
        }
        builder = relocate(&builder, &logical_store, &real_store);
        for a in &mut args {
            *a = relocate(a, &logical_store, &real_store);
        }
    }

    let mut log = open_log(store, cfg, progress, task)?;

    let inv = Invocation {
        drv: drv_shown.clone(),
        builder,
        args,
        env,
        isolation,
        timeout: cfg.timeout,
    };
    let outcome = run_builder(&inv, &mut log);
    let failure = match outcome {
        Ok(Outcome::Success) => None,
        Ok(Outcome::Failed(_)) if file_system_full(&top) => Some(BuildError::NoSpace {
            drv: drv_shown.clone(),
            dir: top.clone(),
            log_tail: log.tail(),
            log_path: log.path().to_owned(),
        }),
        Ok(Outcome::Failed(status)) => Some(BuildError::BuilderFailed {
            drv: drv_shown.clone(),
            status,
            log_tail: log.tail(),
            log_path: log.path().to_owned(),
        }),
        Err(e) => Some(e),
    };
    if let Some(err) = failure {
        keep_or_remove(cfg, progress, &top, &workdir, &drv_shown);
        return Err(err);
    }

    let result = finish_outputs(store, task, outputs, closure, &top, cfg.sandbox);
    if result.is_err() {
        keep_or_remove(cfg, progress, &top, &workdir, &drv_shown);
    } else {
        let _ = remove_tree(&top);
    }
    result
}

/// Whether the file system holding `dir` has no space left (checked when a builder fails,
/// before its files are removed, to say why).
fn file_system_full(dir: &Path) -> bool {
    nix::sys::statvfs::statvfs(dir).is_ok_and(|st| st.blocks_available() == 0)
}

/// Runs a builtin builder (see [`builtins`]) in this process, then finishes its outputs
/// as any build's.
#[allow(clippy::too_many_arguments)]
fn build_builtin(
    store: &dyn BuildStore,
    cfg: &BuildConfig,
    progress: &Progress,
    task: &BuildTask<'_>,
    outputs: &[(String, StorePath)],
    closure: &BTreeSet<StorePath>,
    top: &Path,
    name: &str,
) -> BuildResult<()> {
    let sd = store.store_dir();
    let drv_shown = sd.display(task.drv_path);
    let builtin = builtins::lookup(name).ok_or_else(|| BuildError::UnsupportedBuiltin {
        drv: drv_shown.clone(),
        builtin: name.to_owned(),
    })?;
    let workdir = top.join("build");
    mkdir(&workdir, 0o700)?;
    let built: Vec<BuiltinOutput> = outputs
        .iter()
        .map(|(output, path)| BuiltinOutput {
            name: output.clone(),
            logical: sd.display(path),
            real: store.real_path(path),
        })
        .collect();
    let real_store = built
        .first()
        .and_then(|o| o.real.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from(sd.as_str()));
    let mut log = open_log(store, cfg, progress, task)?;
    let mut build = BuiltinBuild {
        drv: &drv_shown,
        env: &task.drv.env,
        outputs: &built,
        workdir: &workdir,
        logical_store: sd.as_str(),
        real_store: &real_store,
        log: &mut log,
        cores: cfg.cores,
        deb_dirs: &cfg.deb_dirs,
        progress,
    };
    let result = builtin(&mut build)
        .map_err(|e| BuildError::BuiltinFailed {
            drv: drv_shown.clone(),
            builtin: name.to_owned(),
            message: e.to_string(),
        })
        .and_then(|()| finish_outputs(store, task, outputs, closure, top, false));
    if result.is_err() {
        keep_or_remove(cfg, progress, top, &workdir, &drv_shown);
    } else {
        let _ = remove_tree(top);
    }
    result
}

/// The derivation's log file (echoed with `-L`).
fn open_log(
    store: &dyn BuildStore,
    cfg: &BuildConfig,
    progress: &Progress,
    task: &BuildTask<'_>,
) -> BuildResult<LogSink> {
    let name = task.drv_path.name().trim_end_matches(".drv").to_owned();
    let log_file = log_path(&store.log_dir(), task.drv_path.base_name());
    if cfg.print_logs {
        let prefix = format!("{name}> ");
        let bar = progress.line_printer();
        LogSink::create(
            log_file,
            Some(Box::new(move |l: &str| bar(&format!("{prefix}{l}")))),
        )
    } else {
        LogSink::create(log_file, None)
    }
}

fn keep_or_remove(cfg: &BuildConfig, progress: &Progress, top: &Path, workdir: &Path, drv: &str) {
    if cfg.keep_failed {
        progress.println(&format!(
            "note: keeping build directory '{}' of '{drv}'",
            workdir.display()
        ));
    } else {
        let _ = remove_tree(top);
    }
}

/// Moves the outputs into the store and registers them.
fn finish_outputs(
    store: &dyn BuildStore,
    task: &BuildTask<'_>,
    outputs: &[(String, StorePath)],
    closure: &BTreeSet<StorePath>,
    top: &Path,
    sandboxed: bool,
) -> BuildResult<()> {
    let sd = store.store_dir();
    let drv_shown = sd.display(task.drv_path);
    // All outputs must exist before any is touched.
    let mut placed = Vec::new();
    for (name, path) in outputs {
        let built = if sandboxed {
            top.join("root")
                .join(sd.as_str().trim_start_matches('/'))
                .join(path.base_name())
        } else {
            store.real_path(path)
        };
        if fs::symlink_metadata(&built).is_err() {
            return Err(BuildError::MissingOutput {
                drv: drv_shown,
                output: name.clone(),
                path: sd.display(path),
            });
        }
        placed.push((built, store.real_path(path), path));
    }
    for (built, real, _) in &placed {
        if built != real {
            // Moving a directory to another parent updates its `..`: it must be writable.
            if let Ok(meta) = fs::symlink_metadata(built)
                && meta.is_dir()
                && meta.permissions().mode() & 0o200 == 0
            {
                fs::set_permissions(built, fs::Permissions::from_mode(0o755))
                    .map_err(io_err("changing permissions of", built))?;
            }
            fs::rename(built, real).map_err(io_err("moving a build output to", real))?;
        }
        canonicalise(real, &drv_shown)?;
    }
    crate::testhook::pause("build-output-written");

    let candidates: Vec<StorePath> = closure
        .iter()
        .chain(outputs.iter().map(|(_, p)| p))
        .cloned()
        .collect();
    let fixed = task
        .drv
        .fixed_output()
        .map_err(|e| BuildError::BadDerivation {
            drv: drv_shown.clone(),
            message: e.to_string(),
        })?;
    let mut registered = Vec::new();
    for (_, real, path) in &placed {
        let mut scanner = RefScanner::new(candidates.iter().map(|p| (p.hash_part(), p.clone())));
        scanner.scan_tree(real)?;
        let references: Vec<String> = scanner
            .into_found()
            .iter()
            .map(|p| p.base_name().to_owned())
            .collect();
        let (hash, size) = nar_hash(real).map_err(|e| BuildError::Io {
            action: "hashing",
            path: real.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        if let Some((method, expected)) = &fixed {
            check_fixed_output(&drv_shown, real, *method, expected)?;
            if references.iter().any(|r| r != path.base_name()) {
                return Err(BuildError::BadFixedOutput {
                    drv: drv_shown,
                    message: format!(
                        "output refers to other store paths: {}",
                        references.join(", ")
                    ),
                });
            }
        }
        registered.push(RegisteredPath {
            path: path.base_name().to_owned(),
            nar_hash: format!("sha256:{}", hash.to_nix32()),
            nar_size: size,
            references,
            deriver: Some(task.drv_path.base_name().to_owned()),
        });
    }
    store.register_outputs(&registered)
}

/// Checks a fixed output's hash (flat: the file's contents; recursive: its NAR).
pub fn check_fixed_output(
    drv: &str,
    real: &Path,
    method: FileIngestionMethod,
    expected: &Hash,
) -> BuildResult<()> {
    let got = match method {
        FileIngestionMethod::Flat => {
            let meta = fs::symlink_metadata(real).map_err(io_err("reading", real))?;
            if !meta.is_file() {
                return Err(BuildError::BadFixedOutput {
                    drv: drv.to_owned(),
                    message: "a flat fixed output must be a regular file".to_owned(),
                });
            }
            Hash::of_file(expected.algo(), real).map_err(io_err("hashing", real))?
        }
        FileIngestionMethod::Recursive => {
            nar_hash_with(expected.algo(), real)
                .map_err(|e| BuildError::Io {
                    action: "hashing",
                    path: real.to_owned(),
                    source: std::io::Error::other(e.to_string()),
                })?
                .0
        }
    };
    if &got != expected {
        return Err(BuildError::HashMismatch {
            drv: drv.to_owned(),
            specified: crate::fetch::both_forms(expected),
            got: crate::fetch::both_forms(&got),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::hash::HashAlgo;

    #[test]
    fn hash_mismatch_message() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("f");
        fs::write(&file, "hello")?;
        let expected = Hash::digest(HashAlgo::Sha256, "other");
        let err = check_fixed_output(
            "/nix/store/x-f.drv",
            &file,
            FileIngestionMethod::Flat,
            &expected,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        let got = Hash::digest(HashAlgo::Sha256, "hello");
        assert_eq!(
            err,
            format!(
                "hash mismatch in fixed-output derivation '/nix/store/x-f.drv':\n  specified: {} ({})\n  got:       {} ({})",
                expected.to_sri(),
                expected.encode_prefixed(crate::store::hash::HashFormat::Nix32),
                got.to_sri(),
                got.encode_prefixed(crate::store::hash::HashFormat::Nix32),
            )
        );
        let ok = Hash::digest(HashAlgo::Sha256, "hello");
        assert!(check_fixed_output("d", &file, FileIngestionMethod::Flat, &ok).is_ok());
        let (nar, _) = nar_hash_with(HashAlgo::Sha256, &file)?;
        assert!(check_fixed_output("d", &file, FileIngestionMethod::Recursive, &nar).is_ok());
        let dir_err = check_fixed_output("d", dir.path(), FileIngestionMethod::Flat, &ok);
        assert!(matches!(dir_err, Err(BuildError::BadFixedOutput { .. })));
        Ok(())
    }

    #[test]
    fn relocates_store_paths() {
        assert_eq!(
            relocate(
                "/nix/store/abc-x and /nix/storex",
                "/nix/store",
                "/tmp/s/nix/store"
            ),
            "/tmp/s/nix/store/abc-x and /nix/storex"
        );
    }
}
