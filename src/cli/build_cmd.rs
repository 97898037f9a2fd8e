//! `sysrebuild build`: evaluate, instantiate and realise derivations, print their output
//! paths and make `result` links (registered as indirect GC roots), like `nix-build`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::cache_args::CacheArgs;
use super::eval_args::{EvalArgs, current_dir};
use super::instantiate_cmd::{absolute, derivation_lines};
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
use crate::eval::error::EvalResult;
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
    /// The store to use (DIR/nix/store). Defaults to $SYSREBUILD_STORE.
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
    #[command(flatten)]
    cache: CacheArgs,
    #[command(flatten)]
    eval: EvalArgs,
}

impl BuildCommand {
    /// Runs the command; returns the exit status.
    pub fn run(self) -> i32 {
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
        let Some(store_root) = self.store.clone().or(from_env) else {
            return Err("no store given; use --store DIR or set SYSREBUILD_STORE".to_owned());
        };
        let store_root = absolute(&store_root);
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

fn print_dry_run(store_dir: &StoreDir, planned: &SubstitutedPlan) {
    let plan = &planned.build;
    if !plan.nodes.is_empty() {
        eprintln!("these {} derivations will be built:", plan.nodes.len());
        for node in &plan.nodes {
            eprintln!("  {}", store_dir.display(&node.path));
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
