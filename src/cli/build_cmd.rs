//! `sysrebuild build`: evaluate, instantiate and realise derivations, print their output
//! paths and make `result` links (registered as indirect GC roots), like `nix-build`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::cache_args::CacheArgs;
use super::eval_args::{EvalArgs, current_dir};
use super::instantiate_cmd::{absolute, derivation_lines};
use super::system_cmd::{
    SystemTarget, check_configuration, configuration_file, failed_assertions_message,
    system_expression,
};
use crate::build::db_store::DbStore;
use crate::build::graph::load_plan;
use crate::build::progress::Progress;
use crate::build::realise::BuildConfig;
use crate::build::sandbox::BindMount;
use crate::build::scheduler::{SchedulerOptions, build_plan};
use crate::build::store::BuildStore;
use crate::build::substitute::{SubstitutedPlan, substitute_plan};
use crate::cache::Substituters;
use crate::eval::Evaluator;
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::source::Span;
use crate::eval::value::Attrs;
use crate::store::hash::{Hash, HashAlgo};
use crate::store::path::{StoreDir, StorePath};

/// Options of `sysrebuild build` (documented on the subcommand in `cli/mod.rs`).
#[derive(Args)]
pub struct BuildCommand {
    /// The file to evaluate (a directory means its default.nix); default: ./default.nix.
    #[arg(value_name = "FILE", conflicts_with = "expr")]
    file: Option<String>,
    /// Evaluate EXPR instead of a file.
    #[arg(short = 'E', long = "expr", value_name = "EXPR")]
    expr: Option<String>,
    /// Select an attribute of the result (e.g. `hello`); may be repeated.
    #[arg(short = 'A', long = "attr", value_name = "ATTRPATH")]
    attr: Vec<String>,
    /// Name of the result link (default `result`; other outputs get `-OUTPUT`).
    #[arg(short = 'o', long = "out-link", value_name = "LINK")]
    out_link: Option<String>,
    /// Do not make result links.
    #[arg(long = "no-out-link")]
    no_out_link: bool,
    /// The store to use (DIR/nix/store, DIR/nix/var/nix). Defaults to $SYSREBUILD_STORE,
    /// else the real /nix/store.
    #[arg(long = "store", value_name = "DIR")]
    store: Option<String>,
    /// Only show what would be built (and what is already valid).
    #[arg(long = "dry-run")]
    dry_run: bool,
    /// Builds running at once (default: the number of cores).
    #[arg(short = 'j', long = "max-jobs", value_name = "N")]
    max_jobs: Option<usize>,
    /// NIX_BUILD_CORES given to each build (default: the number of cores).
    #[arg(long = "cores", value_name = "N")]
    cores: Option<usize>,
    /// Go on building what does not depend on a failed build.
    #[arg(short = 'k', long = "keep-going")]
    keep_going: bool,
    /// Keep the build directory of failed builds.
    #[arg(short = 'K', long = "keep-failed")]
    keep_failed: bool,
    /// Show build logs, each line prefixed with the derivation name.
    #[arg(short = 'L', long = "print-build-logs")]
    print_build_logs: bool,
    /// Run builders directly instead of in a namespace sandbox.
    #[arg(long = "no-sandbox")]
    no_sandbox: bool,
    /// Make a host path visible in the sandbox: TARGET=SOURCE or PATH; may be repeated.
    #[arg(long = "sandbox-path", value_name = "PATH")]
    sandbox_path: Vec<String>,
    /// A directory of .deb files that builtin:fetch-deb looks in first (before
    /// $SYSREBUILD_DEB_DIR, apt's cache, apt-get and mirrors); may be repeated.
    #[arg(long = "deb-dir", value_name = "DIR")]
    deb_dir: Vec<std::path::PathBuf>,
    /// Kill a build that runs longer than SECONDS.
    #[arg(long = "timeout", value_name = "SECONDS")]
    timeout: Option<u64>,
    /// Build the system a configuration describes (`config.system.build.toplevel`),
    /// evaluated with sysrebuild's module library.
    #[arg(short = 'f', long = "file", id = "configuration", value_name = "CONFIGURATION",
          conflicts_with_all = ["file", "expr", "attr"])]
    configuration: Option<String>,
    /// Set by `dry-build` and `build-vm`: which build of the configuration to make.
    #[arg(skip)]
    system: Option<SystemTarget>,
    #[command(flatten)]
    cache: CacheArgs,
    #[command(flatten)]
    eval: EvalArgs,
}

impl BuildCommand {
    /// Runs `dry-build` (`dry_run`) or `build-vm` (`target` = `Vm`): a build of the
    /// configuration given with `-f` (default `./configuration.nix`).
    pub fn run_system(mut self, target: SystemTarget, dry_run: bool) -> i32 {
        if self.file.is_some() || self.expr.is_some() || !self.attr.is_empty() {
            eprintln!(
                "error: this command builds a configuration: give it with -f FILE (not a file, -E or -A)"
            );
            return 1;
        }
        self.system = Some(target);
        self.dry_run |= dry_run;
        self.run()
    }

    /// Runs the command; returns the exit status.
    pub fn run(mut self) -> i32 {
        if self.configuration.is_some() && self.system.is_none() {
            self.system = Some(SystemTarget::Toplevel);
        }
        match self.run_inner() {
            Ok(code) => code,
            Err(message) => {
                eprintln!("error: {message}");
                1
            }
        }
    }

    fn run_inner(&self) -> Result<i32, String> {
        let from_env = std::env::var("SYSREBUILD_STORE")
            .ok()
            .filter(|s| !s.is_empty());
        let store_root = absolute(
            &self
                .store
                .clone()
                .or(from_env)
                .unwrap_or_else(|| "/".into()),
        );
        let lines = match self.instantiate(&store_root) {
            Ok(lines) => lines,
            Err(()) => return Ok(1),
        };
        let store_dir = StoreDir::new("/nix/store").map_err(|e| e.to_string())?;
        let store = DbStore::open_relocated(Path::new(&store_root)).map_err(|e| e.to_string())?;

        let mut wanted = Vec::new();
        for line in &lines {
            let (drv, output) = match line.split_once('!') {
                Some((d, o)) => (d, o),
                None => (line.as_str(), "out"),
            };
            let path = store_dir.parse_path(drv).map_err(|e| e.to_string())?;
            wanted.push((path, output.to_owned()));
        }
        let roots: Vec<StorePath> = wanted.iter().map(|(p, _)| p.clone()).collect();
        let planned = self.plan(&store, &store_dir, &roots)?;
        let plan = planned.build.clone();

        if self.dry_run {
            print_dry_run(&store_dir, &planned);
            return Ok(0);
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let opts = SchedulerOptions {
            max_jobs: self.max_jobs.unwrap_or(cores),
            keep_going: self.keep_going,
            build: BuildConfig {
                sandbox: !self.no_sandbox,
                sandbox_paths: self.sandbox_paths()?,
                cores: self.cores.filter(|&c| c > 0).unwrap_or(cores),
                keep_failed: self.keep_failed,
                timeout: self.timeout.map(Duration::from_secs),
                print_logs: self.print_build_logs,
                deb_dirs: self.deb_dir.iter().map(|d| absolute_path(d)).collect(),
            },
        };
        let progress = Progress::new(plan.nodes.len());
        let result = build_plan(&store, &plan, &opts, &progress);
        progress.finish();
        result.map_err(|e| e.to_string())?;

        let mut stdout = std::io::stdout().lock();
        for (i, (drv_path, output)) in wanted.iter().enumerate() {
            let out_path = plan
                .loaded
                .get(drv_path)
                .and_then(|d| d.outputs.get(output))
                .and_then(|o| o.path.clone())
                .ok_or_else(|| {
                    format!(
                        "derivation '{}' has no output '{output}'",
                        store_dir.display(drv_path)
                    )
                })?;
            let _ = writeln!(stdout, "{}", store_dir.display(&out_path));
            if !self.no_out_link {
                let base = self.out_link.clone().unwrap_or_else(|| "result".to_owned());
                let mut link = base;
                if i > 0 {
                    link.push_str(&format!("-{i}"));
                }
                if output != "out" {
                    link.push_str(&format!("-{output}"));
                }
                make_result_link(&store, &link, &store.real_path(&out_path))?;
            }
        }
        Ok(0)
    }

    /// Loads the derivation graph and, with substituters, fetches (or, for a dry run,
    /// plans to fetch) what the caches have.
    fn plan(
        &self,
        store: &DbStore,
        store_dir: &StoreDir,
        roots: &[StorePath],
    ) -> Result<SubstitutedPlan, String> {
        let settings = self.cache.settings()?;
        let mut subs = Substituters::open(&settings.substituters, store_dir, false)
            .map_err(|e| e.to_string())?;
        if subs.is_empty() {
            let build = load_plan(store, roots).map_err(|e| e.to_string())?;
            return Ok(SubstitutedPlan {
                build,
                fetch: Vec::new(),
            });
        }
        let policy = settings.signature_policy().map_err(|e| e.to_string())?;
        subs.check_signatures(policy.clone());
        substitute_plan(store, roots, &mut subs, &policy, self.dry_run).map_err(|e| e.to_string())
    }

    /// Evaluates and writes the `.drv` files; `Err` after printing the evaluation error.
    fn instantiate(&self, store_root: &str) -> Result<Vec<String>, ()> {
        let mut settings = self.eval.settings();
        settings.write_store = true;
        settings.store_root = Some(store_root.to_owned());
        let mut ev = Evaluator::new(settings);
        let result = self.evaluate(&mut ev);
        let out = match result {
            Ok(lines) => Ok(lines),
            Err(e) => {
                eprint!("{}", e.render(&ev.sources));
                Err(())
            }
        };
        super::discard_evaluator(ev);
        out
    }

    fn evaluate(&self, ev: &mut Evaluator) -> EvalResult<Vec<String>> {
        if let Some(target) = self.system {
            return self.evaluate_system(ev, target);
        }
        let root = match &self.expr {
            Some(expr) => ev.eval_string(expr, &current_dir())?,
            None => {
                let file = self
                    .file
                    .clone()
                    .unwrap_or_else(|| "default.nix".to_owned());
                ev.eval_file(&absolute(&file))?
            }
        };
        let args = self.eval.auto_args(ev)?;
        derivation_lines(ev, root, &self.attr, &args)
    }

    /// Evaluates the configuration, prints its warnings, refuses it when assertions fail
    /// (listing every message), then instantiates the requested build.
    fn evaluate_system(&self, ev: &mut Evaluator, target: SystemTarget) -> EvalResult<Vec<String>> {
        let file = configuration_file(self.configuration.as_deref());
        let path = PathBuf::from(absolute(&file));
        if !path.exists() {
            return Err(EvalError::new(
                ErrorKind::Other,
                format!("the configuration file '{}' does not exist", path.display()),
                Span::NONE,
            ));
        }
        let entry = ev.eval_string(&system_expression(&path, target), &current_dir())?;
        let failed = check_configuration(ev, &entry)?;
        if !failed.is_empty() {
            return Err(EvalError::new(
                ErrorKind::Other,
                failed_assertions_message(&failed),
                Span::NONE,
            ));
        }
        derivation_lines(ev, entry, &[target.attr().to_owned()], &Attrs::new())
    }

    fn sandbox_paths(&self) -> Result<Vec<BindMount>, String> {
        parse_sandbox_paths(&self.sandbox_path)
    }
}

/// Parses `--sandbox-path` values (`TARGET=SOURCE` or `PATH`).
pub(crate) fn parse_sandbox_paths(specs: &[String]) -> Result<Vec<BindMount>, String> {
    specs
        .iter()
        .map(|spec| {
            let (target, source) = spec.split_once('=').unwrap_or((spec, spec));
            if !target.starts_with('/') || !source.starts_with('/') {
                return Err(format!(
                    "sandbox path '{spec}' must be absolute (TARGET=SOURCE or PATH)"
                ));
            }
            Ok(BindMount {
                source: PathBuf::from(source),
                target: target.to_owned(),
                read_only: true,
            })
        })
        .collect()
}

/// Lists what a build would do: derivations to build, downloads (derivations built by a
/// fetch builtin, such as Debian packages) apart, paths substituted from binary caches with
/// their sizes, then what is valid already.
fn print_dry_run(store_dir: &StoreDir, planned: &SubstitutedPlan) {
    let plan = &planned.build;
    let (downloads, builds): (Vec<_>, Vec<_>) = plan
        .nodes
        .iter()
        .partition(|n| n.drv.builder.starts_with("builtin:fetch"));
    if !builds.is_empty() {
        eprintln!("these {} derivations will be built:", builds.len());
        for node in &builds {
            eprintln!("  {}", store_dir.display(&node.path));
        }
    }
    if !downloads.is_empty() {
        eprintln!("these {} files will be downloaded:", downloads.len());
        for node in &downloads {
            for out in node.drv.outputs.values().filter_map(|o| o.path.as_ref()) {
                eprintln!("  {}", store_dir.display(out));
            }
        }
    }
    if !planned.fetch.is_empty() {
        let (download, unpacked) = planned.fetch_sizes();
        eprintln!(
            "these {} paths will be fetched ({:.2} MiB download, {:.2} MiB unpacked):",
            planned.fetch.len(),
            download as f64 / (1024.0 * 1024.0),
            unpacked as f64 / (1024.0 * 1024.0)
        );
        let mut paths: Vec<String> = planned
            .fetch
            .iter()
            .map(|s| store_dir.display(&s.info.path))
            .collect();
        paths.sort();
        for p in paths {
            eprintln!("  {p}");
        }
    }
    if !plan.valid.is_empty() {
        eprintln!(
            "these {} derivations have valid outputs already:",
            plan.valid.len()
        );
        for p in &plan.valid {
            eprintln!("  {}", store_dir.display(p));
        }
    }
}

/// Makes `link` point at `target` and registers it as an indirect GC root:
/// `<state>/gcroots/auto/<nix32 sha1 of the link's absolute path>` → the link.
fn make_result_link(store: &DbStore, link: &str, target: &Path) -> Result<(), String> {
    let link = PathBuf::from(absolute(link));
    replace_symlink(target, &link)?;
    let auto = store.state_dir().join("gcroots").join("auto");
    std::fs::create_dir_all(&auto).map_err(|e| format!("creating '{}': {e}", auto.display()))?;
    let name = Hash::digest(HashAlgo::Sha1, link.as_os_str().as_encoded_bytes()).to_nix32();
    replace_symlink(&link, &auto.join(name))
}

/// Creates the symlink `link` → `target`, atomically replacing an existing one.
fn replace_symlink(target: &Path, link: &Path) -> Result<(), String> {
    let mut temp = link.as_os_str().to_owned();
    temp.push(format!(".tmp-{}", std::process::id()));
    let temp = PathBuf::from(temp);
    let _ = std::fs::remove_file(&temp);
    std::os::unix::fs::symlink(target, &temp)
        .and_then(|()| std::fs::rename(&temp, link))
        .map_err(|e| format!("creating the symlink '{}': {e}", link.display()))
}

/// `dir` made absolute against the current directory (builtins run with another one).
fn absolute_path(dir: &Path) -> std::path::PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned())
}
