//! Differential test: `sysrebuild` must evaluate and instantiate exactly like
//! Nix. The oracle is `nix-instantiate` from Debian's nix-bin (Nix 2.8).
//!
//! Corpus (see tests/differential/README.md):
//! - `tests/differential/eval/<group>/<name>.nix`: evaluated with
//!   `--eval --strict` and `--eval --strict --json` by both tools; both must
//!   succeed with byte-identical stdout, or both must fail. Directories whose
//!   name starts with `_` hold helper files and are not cases. Cases under
//!   `eval/errors/` must fail under Nix, all others must succeed under Nix
//!   (checked too, so the corpus cannot rot).
//! - `tests/differential/drv/<name>.nix`: instantiated into fresh relocated
//!   stores by both tools; printed drv paths, every store entry (all `.drv`
//!   files byte for byte, plus sources added by toFile/path copying), the
//!   `--eval --strict` output, and the `--json` drvPath/outPath of every
//!   derivation must match.
//! - `tests/differential/expected/<name>.nix` + `<name>.out`: builtins newer
//!   than Nix 2.8, checked against sysrebuild alone.
//! - `tests/differential/known-differences.toml`: cases skipped, with reasons.
//!
//! A leading comment line `# ARGS: ...` in a case gives extra command line
//! arguments (whitespace separated) passed to both tools, e.g. `-A a.b` or
//! `--argstr who world`.
//!
//! Environment knobs:
//! - `DIFFERENTIAL_FILTER=substr`: only run cases whose name contains substr.
//! - `DIFFERENTIAL_JOBS=n`: parallel workers (default 2..4).
//! - `DIFFERENTIAL_ORACLE_ONLY=1`: only check the corpus against Nix (useful
//!   while the evaluator is incomplete); sysrebuild is not run.
//! - `DIFFERENTIAL_SYSREBUILD=/path`: use another binary instead of the one
//!   cargo built (e.g. tests/differential/tools/sysrebuild-via-nix.sh to
//!   self-test the harness).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(120);
/// How much of a tool's output to quote in a failure report.
const QUOTE_LIMIT: usize = 1500;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("differential")
}

fn sysrebuild_bin() -> PathBuf {
    match std::env::var_os("DIFFERENTIAL_SYSREBUILD") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_sysrebuild")),
    }
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn oracle_only() -> bool {
    std::env::var("DIFFERENTIAL_ORACLE_ONLY").is_ok_and(|v| !v.is_empty() && v != "0")
}

// ---------------------------------------------------------------------------
// Running processes

#[derive(Debug, Clone)]
struct Outcome {
    /// `Some(code)` on normal exit; `None` if killed by a signal or timed out.
    code: Option<i32>,
    timed_out: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    elapsed: Duration,
}

impl Outcome {
    fn ok(&self) -> bool {
        self.code == Some(0)
    }
    fn describe(&self) -> String {
        let status = if self.timed_out {
            format!("TIMED OUT after {:?}", self.elapsed)
        } else {
            match self.code {
                Some(c) => format!("exit {c}"),
                None => "killed by a signal (crash?)".to_string(),
            }
        };
        format!(
            "{status}\n      stdout: {}\n      stderr: {}",
            quote(&self.stdout),
            quote(&self.stderr)
        )
    }
}

fn quote(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let mut q: String = s.chars().take(QUOTE_LIMIT).collect();
    if q.len() < s.len() {
        q.push_str(" …[truncated]");
    }
    format!("{q:?}")
}

/// The deterministic environment both tools run in.
fn base_command(program: &Path, conf_dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("HOME", "/homeless-shelter")
        .env(
            "NIX_PATH",
            "nixpkgs=/nonexistent/nixpkgs:/nonexistent/plain",
        )
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .env("NIX_CONF_DIR", conf_dir)
        .env("XDG_CONFIG_HOME", conf_dir)
        .env("XDG_CACHE_HOME", conf_dir.join("cache"))
        .env("NIX_USER_CONF_FILES", conf_dir.join("nix.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(mut cmd: Command) -> Outcome {
    let start = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Outcome {
                code: Some(127),
                timed_out: false,
                stdout: Vec::new(),
                stderr: format!("failed to spawn {cmd:?}: {e}").into_bytes(),
                elapsed: start.elapsed(),
            };
        }
    };
    // Drain pipes on threads so large outputs cannot deadlock.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out_pipe.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err_pipe.read_to_end(&mut v);
        v
    });
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) => {
                if start.elapsed() > TIMEOUT {
                    let _ = child.kill();
                    timed_out = true;
                    break child.wait().ok();
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(_) => break None,
        }
    };
    let stdout = out_t.join().unwrap_or_default();
    let stderr = err_t.join().unwrap_or_default();
    Outcome {
        code: if timed_out {
            None
        } else {
            status.and_then(|s| s.code())
        },
        timed_out,
        stdout,
        stderr,
        elapsed: start.elapsed(),
    }
}

// ---------------------------------------------------------------------------
// Corpus discovery

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Eval,
    Drv,
    Expected,
}

#[derive(Debug, Clone)]
struct Case {
    /// e.g. "eval/floats/basic", "drv/plain", "expected/warn".
    name: String,
    kind: Kind,
    file: PathBuf,
    args: Vec<String>,
}

impl Case {
    fn expect_nix_error(&self) -> bool {
        self.kind == Kind::Eval && self.name.starts_with("eval/errors/")
    }
}

fn collect_nix_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let path = e.path();
        if path.is_dir() {
            collect_nix_files(&path, out);
        } else if name.ends_with(".nix") {
            out.push(path);
        }
    }
}

fn parse_args(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("# ARGS:"))
        .flat_map(|rest| {
            rest.split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn discover() -> Vec<Case> {
    let root = corpus_dir();
    let mut cases = Vec::new();
    for (sub, kind) in [
        ("eval", Kind::Eval),
        ("drv", Kind::Drv),
        ("expected", Kind::Expected),
    ] {
        let mut files = Vec::new();
        collect_nix_files(&root.join(sub), &mut files);
        for file in files {
            let rel = file.strip_prefix(&root).unwrap().with_extension("");
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let args = parse_args(&file);
            cases.push(Case {
                name,
                kind,
                file,
                args,
            });
        }
    }
    cases
}

fn load_known_differences() -> BTreeMap<String, String> {
    let path = corpus_dir().join("known-differences.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let table: toml::Table = toml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()));
    let mut map = BTreeMap::new();
    if let Some(list) = table.get("case") {
        let list = list
            .as_array()
            .expect("`case` must be an array of tables ([[case]])");
        for entry in list {
            let name = entry
                .get("name")
                .and_then(|v| v.as_str())
                .expect("every [[case]] needs a string `name`");
            let reason = entry
                .get("reason")
                .and_then(|v| v.as_str())
                .expect("every [[case]] needs a string `reason`");
            assert!(
                !reason.trim().is_empty(),
                "known difference {name} has an empty reason"
            );
            assert!(
                map.insert(name.to_string(), reason.to_string()).is_none(),
                "known difference {name} is listed twice"
            );
        }
    }
    map
}

// ---------------------------------------------------------------------------
// Per-worker scratch space

struct Scratch {
    /// Relocated store used by nix-instantiate for evaluation cases.
    eval_store: tempfile::TempDir,
    conf: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let conf = tempfile::tempdir().expect("tempdir");
        // An empty configuration: no host /etc/nix/nix.conf influences.
        std::fs::write(conf.path().join("nix.conf"), "").unwrap();
        Scratch {
            eval_store: tempfile::tempdir().expect("tempdir"),
            conf,
        }
    }
}

struct Tools {
    nix: PathBuf,
    sysrebuild: PathBuf,
}

fn nix_eval(tools: &Tools, sc: &Scratch, store: &Path, case: &Case, json: bool) -> Outcome {
    let mut cmd = base_command(&tools.nix, sc.conf.path());
    cmd.arg("--eval").arg("--strict");
    if json {
        cmd.arg("--json");
    }
    cmd.arg("--store")
        .arg(store)
        .arg(&case.file)
        .args(&case.args);
    run(cmd)
}

fn sys_eval(tools: &Tools, sc: &Scratch, case: &Case, json: bool) -> Outcome {
    let mut cmd = base_command(&tools.sysrebuild, sc.conf.path());
    cmd.arg("eval").arg("--strict");
    if json {
        cmd.arg("--json");
    }
    cmd.arg(&case.file).args(&case.args);
    run(cmd)
}

/// sysrebuild's failures must look like the contract says: exit status 1
/// and a message starting with `error:` on stderr.
fn check_error_shape(o: &Outcome) -> Option<String> {
    if o.ok() {
        return None;
    }
    if o.code != Some(1) {
        return Some(format!(
            "sysrebuild failed with {} instead of exit status 1",
            o.describe()
        ));
    }
    let stderr = String::from_utf8_lossy(&o.stderr);
    if !stderr.lines().any(|l| l.starts_with("error:")) {
        return Some(format!(
            "sysrebuild's stderr has no line starting with `error:`: {}",
            quote(&o.stderr)
        ));
    }
    None
}

/// Compare two outcomes: both succeed with identical stdout, or both fail.
fn compare(label: &str, nix: &Outcome, sys: &Outcome, problems: &mut Vec<String>) {
    let same = match (nix.ok(), sys.ok()) {
        (true, true) => nix.stdout == sys.stdout,
        (false, false) => true,
        _ => false,
    };
    if !same {
        let mut msg = format!(
            "{label}: outputs differ\n    nix-instantiate: {}\n    sysrebuild:      {}",
            nix.describe(),
            sys.describe()
        );
        if nix.ok() && sys.ok() {
            let _ = write!(msg, "\n    {}", first_difference(&nix.stdout, &sys.stdout));
        }
        problems.push(msg);
    } else if let Some(shape) = check_error_shape(sys) {
        problems.push(format!("{label}: {shape}"));
    }
    if sys.timed_out {
        problems.push(format!("{label}: sysrebuild timed out"));
    }
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let ctx = |s: &[u8]| {
        let start = i.saturating_sub(40);
        let end = (i + 60).min(s.len());
        String::from_utf8_lossy(&s[start..end]).into_owned()
    };
    format!(
        "first difference at byte {i} (lengths {} vs {}):\n      nix: …{:?}\n      sys: …{:?}",
        a.len(),
        b.len(),
        ctx(a),
        ctx(b)
    )
}

// ---------------------------------------------------------------------------
// Case runners. Each returns the list of problems found (empty = pass).

fn run_eval_case(tools: &Tools, sc: &Scratch, case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let store = sc.eval_store.path();
    let nix_strict = nix_eval(tools, sc, store, case, false);
    // Corpus sanity: errors/ must fail under Nix; everything else must succeed.
    if case.expect_nix_error() && nix_strict.ok() {
        problems.push(format!(
            "{}: CORPUS: error case succeeded under nix-instantiate: {}",
            case.name,
            nix_strict.describe()
        ));
    } else if !case.expect_nix_error() && !nix_strict.ok() {
        problems.push(format!(
            "{}: CORPUS: case fails under nix-instantiate (move it to eval/errors/ or fix it): {}",
            case.name,
            nix_strict.describe()
        ));
    }
    if nix_strict.timed_out {
        problems.push(format!("{}: CORPUS: nix-instantiate timed out", case.name));
    }
    if oracle_only() {
        return problems;
    }
    let sys_strict = sys_eval(tools, sc, case, false);
    compare(
        &format!("{} [--eval --strict]", case.name),
        &nix_strict,
        &sys_strict,
        &mut problems,
    );
    let nix_json = nix_eval(tools, sc, store, case, true);
    let sys_json = sys_eval(tools, sc, case, true);
    compare(
        &format!("{} [--eval --strict --json]", case.name),
        &nix_json,
        &sys_json,
        &mut problems,
    );
    problems
}

/// Every entry of `<root>/nix/store`, recursively: relative path -> content
/// (file bytes, `dir`, or `symlink -> target`).
fn store_contents(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>, top: bool) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if top && name.starts_with('.') {
                continue; // .links and other store-internal bookkeeping
            }
            let path = e.path();
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap_or_default();
                out.insert(rel, format!("symlink -> {}", target.display()).into_bytes());
            } else if meta.is_dir() {
                out.insert(rel.clone(), b"<directory>".to_vec());
                walk(base, &path, out, false);
            } else {
                use std::os::unix::fs::PermissionsExt;
                let mut bytes = std::fs::read(&path).unwrap_or_default();
                if meta.permissions().mode() & 0o100 != 0 {
                    bytes.extend_from_slice(b"\n<executable>");
                }
                out.insert(rel, bytes);
            }
        }
    }
    let store = root.join("nix").join("store");
    let mut out = BTreeMap::new();
    walk(&store, &store, &mut out, true);
    out
}

fn drv_summary_expr(file: &Path) -> String {
    // drvPath/outPath of every derivation in the (possibly nested) value.
    let f = file.display().to_string();
    let quoted = f
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace("${", "\\${");
    format!(
        "let f = x: if builtins.isAttrs x && (x.type or null) == \"derivation\" \
         then {{ inherit (x) drvPath outPath name; outputs = x.outputs or [ \"out\" ]; }} \
         else if builtins.isList x then map f x \
         else if builtins.isAttrs x then builtins.mapAttrs (_: f) x else x; \
         in f (import (/. + \"{quoted}\"))"
    )
}

fn run_drv_case(tools: &Tools, sc: &Scratch, case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let t1 = tempfile::tempdir().expect("tempdir");
    let mut cmd = base_command(&tools.nix, sc.conf.path());
    cmd.arg("--store")
        .arg(t1.path())
        .arg(&case.file)
        .args(&case.args);
    let nix_inst = run(cmd);
    if !nix_inst.ok() {
        problems.push(format!(
            "{}: CORPUS: derivation case fails under nix-instantiate: {}",
            case.name,
            nix_inst.describe()
        ));
    }
    if oracle_only() {
        return problems;
    }
    let t2 = tempfile::tempdir().expect("tempdir");
    let mut cmd = base_command(&tools.sysrebuild, sc.conf.path());
    cmd.arg("instantiate")
        .arg(&case.file)
        .args(&case.args)
        .arg("--store")
        .arg(t2.path());
    let sys_inst = run(cmd);
    compare(
        &format!("{} [instantiate]", case.name),
        &nix_inst,
        &sys_inst,
        &mut problems,
    );

    if nix_inst.ok() && sys_inst.ok() {
        let a = store_contents(t1.path());
        let b = store_contents(t2.path());
        let names_a: BTreeSet<_> = a.keys().collect();
        let names_b: BTreeSet<_> = b.keys().collect();
        let only_nix: Vec<_> = names_a.difference(&names_b).collect();
        let only_sys: Vec<_> = names_b.difference(&names_a).collect();
        if !only_nix.is_empty() || !only_sys.is_empty() {
            problems.push(format!(
                "{} [store]: store entries differ\n    only in nix's store: {only_nix:?}\n    only in sysrebuild's store: {only_sys:?}",
                case.name
            ));
        }
        for (k, va) in &a {
            if let Some(vb) = b.get(k)
                && va != vb
            {
                problems.push(format!(
                    "{} [store]: {k} differs\n    nix:        {}\n    sysrebuild: {}\n    {}",
                    case.name,
                    quote(va),
                    quote(vb),
                    first_difference(va, vb)
                ));
            }
        }
    }

    // The value itself, printed strictly (derivations print all their attrs).
    let nix_strict = nix_eval(tools, sc, t1.path(), case, false);
    let sys_strict = sys_eval(tools, sc, case, false);
    compare(
        &format!("{} [--eval --strict]", case.name),
        &nix_strict,
        &sys_strict,
        &mut problems,
    );

    // drvPath/outPath of every derivation, as JSON.
    let expr = drv_summary_expr(&case.file);
    let mut cmd = base_command(&tools.nix, sc.conf.path());
    cmd.args(["--eval", "--strict", "--json", "--store"])
        .arg(t1.path())
        .arg("-E")
        .arg(&expr);
    let nix_paths = run(cmd);
    if !nix_paths.ok() {
        problems.push(format!(
            "{}: CORPUS: summary expression fails under nix: {}",
            case.name,
            nix_paths.describe()
        ));
    }
    let mut cmd = base_command(&tools.sysrebuild, sc.conf.path());
    cmd.args(["eval", "--strict", "--json", "-E"]).arg(&expr);
    let sys_paths = run(cmd);
    compare(
        &format!("{} [drvPath/outPath json]", case.name),
        &nix_paths,
        &sys_paths,
        &mut problems,
    );
    problems
}

fn run_expected_case(tools: &Tools, sc: &Scratch, case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let out_file = case.file.with_extension("out");
    let expected = match std::fs::read(&out_file) {
        Ok(e) => e,
        Err(e) => {
            return vec![format!(
                "{}: missing expected output {}: {e}",
                case.name,
                out_file.display()
            )];
        }
    };
    if oracle_only() {
        return problems;
    }
    let got = sys_eval(tools, sc, case, false);
    if !got.ok() || got.stdout != expected {
        problems.push(format!(
            "{} [expected output]: sysrebuild does not print the expected output\n    expected:   {}\n    sysrebuild: {}",
            case.name,
            quote(&expected),
            got.describe()
        ));
    }
    problems
}

// ---------------------------------------------------------------------------

#[test]
fn differential_against_nix_instantiate() {
    let Some(nix) = find_in_path("nix-instantiate") else {
        panic!(
            "nix-instantiate was not found in PATH. The differential test needs the oracle: \
             install Debian's nix-bin (`apt-get install -y nix-bin`; CI installs it). \
             This test never passes without it."
        );
    };
    let tools = Tools {
        nix,
        sysrebuild: sysrebuild_bin(),
    };

    let known = load_known_differences();
    let all_cases = discover();
    let all_names: BTreeSet<&str> = all_cases.iter().map(|c| c.name.as_str()).collect();
    let stale: Vec<_> = known
        .keys()
        .filter(|k| !all_names.contains(k.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "known-differences.toml lists cases that do not exist: {stale:?}"
    );

    let counts = |k: Kind| all_cases.iter().filter(|c| c.kind == k).count();
    assert!(
        counts(Kind::Eval) >= 450,
        "expected at least 450 eval cases, found {}",
        counts(Kind::Eval)
    );
    assert!(
        counts(Kind::Drv) >= 60,
        "expected at least 60 drv cases, found {}",
        counts(Kind::Drv)
    );

    let filter = std::env::var("DIFFERENTIAL_FILTER").unwrap_or_default();
    let mut skipped = Vec::new();
    let cases: Vec<Case> = all_cases
        .into_iter()
        .filter(|c| c.name.contains(&filter))
        .filter(|c| match known.get(&c.name) {
            Some(reason) => {
                skipped.push(format!("  skipped {}: {reason}", c.name));
                false
            }
            None => true,
        })
        .collect();
    for s in &skipped {
        eprintln!("{s}");
    }
    assert!(
        !cases.is_empty(),
        "no case matches DIFFERENTIAL_FILTER={filter:?}"
    );

    if !oracle_only() {
        assert!(
            tools.sysrebuild.is_file(),
            "sysrebuild binary not found at {}",
            tools.sysrebuild.display()
        );
    }

    let jobs = std::env::var("DIFFERENTIAL_JOBS")
        .ok()
        .and_then(|j| j.parse::<usize>().ok())
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .clamp(2, 4)
        })
        .max(1);

    let start = Instant::now();
    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<(String, Vec<String>)>> = Mutex::new(Vec::new());
    let slowest: Mutex<Vec<(Duration, String)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                let sc = Scratch::new();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(case) = cases.get(i) else { break };
                    let t = Instant::now();
                    let problems = match case.kind {
                        Kind::Eval => run_eval_case(&tools, &sc, case),
                        Kind::Drv => run_drv_case(&tools, &sc, case),
                        Kind::Expected => run_expected_case(&tools, &sc, case),
                    };
                    slowest
                        .lock()
                        .unwrap()
                        .push((t.elapsed(), case.name.clone()));
                    if !problems.is_empty() {
                        failures.lock().unwrap().push((case.name.clone(), problems));
                    }
                }
            });
        }
    });

    let mut failures = failures.into_inner().unwrap();
    failures.sort_by(|a, b| a.0.cmp(&b.0));
    let mut slowest = slowest.into_inner().unwrap();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    let slow: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(d, n)| format!("{n} ({d:.2?})"))
        .collect();
    let passed = cases.len() - failures.len();
    eprintln!(
        "differential: {} cases ({} eval, {} drv, {} expected) in {:.1?} with {jobs} workers{}; slowest: {}",
        cases.len(),
        cases.iter().filter(|c| c.kind == Kind::Eval).count(),
        cases.iter().filter(|c| c.kind == Kind::Drv).count(),
        cases.iter().filter(|c| c.kind == Kind::Expected).count(),
        start.elapsed(),
        if oracle_only() { " (oracle only)" } else { "" },
        slow.join(", ")
    );
    eprintln!(
        "differential: {passed} passed, {} failed, {} skipped",
        failures.len(),
        skipped.len()
    );

    if !failures.is_empty() {
        let mut report = format!(
            "{} of {} differential cases failed (known differences go in tests/differential/known-differences.toml):\n",
            failures.len(),
            cases.len()
        );
        for (name, problems) in &failures {
            let _ = writeln!(report, "\n=== {name}");
            for p in problems {
                let _ = writeln!(report, "  - {p}");
            }
        }
        let names: Vec<&str> = failures.iter().map(|f| f.0.as_str()).collect();
        let _ = writeln!(report, "\nFailing cases: {}", names.join(" "));
        let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join("differential-report.txt");
        if std::fs::write(&saved, &report).is_ok() {
            let _ = writeln!(report, "(this report is also saved in {})", saved.display());
        }
        panic!("{report}");
    }
}
