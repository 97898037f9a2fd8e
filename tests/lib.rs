//! Unit tests of the Nix library in `lib/` (`import <sysrebuild/lib>`).
//!
//! The cases live in `tests/lib/cases.nix`, an attribute set in the style of
//! `lib.runTests`: `testName = { expr = ...; expected = ...; }`. They are
//! evaluated by two evaluators, which must both find every case passing:
//!
//! - sysrebuild (`sysrebuild eval --strict --json -I sysrebuild=<repo>`);
//! - Nix 2.8 (`nix-instantiate --eval --strict --json`, from Debian's
//!   nix-bin), in a throw-away relocated store. The test fails if
//!   `nix-instantiate` is not on PATH: the library must stay compatible with
//!   real Nix, so the oracle is not optional.
//!
//! Each evaluator first runs all cases at once through `lib.runTests`. If
//! that evaluation itself fails (e.g. a builtin the library needs is missing,
//! which `tryEval` cannot catch), every case is evaluated on its own so that
//! the report still lists each failing case individually.
//!
//! Environment knobs:
//! - `LIB_TESTS_FILTER=substr`: only run cases whose name contains substr
//!   (forces the per-case mode).
//! - `LIB_TESTS_JOBS=n`: parallel evaluations in per-case mode (default 4).
//! - `LIB_TESTS_FULL_ERRORS=1`: quote whole error messages, not just their
//!   first line and location.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(300);
/// Minimum number of cases expected in cases.nix (guards against the file
/// silently losing cases).
const MIN_CASES: usize = 250;
/// How much of an evaluator's output to quote in a report.
const QUOTE_LIMIT: usize = 1200;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const CASES: &str = "<sysrebuild/tests/lib/cases.nix>";

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn quote(s: &str) -> String {
    let s = s.trim();
    if s.len() <= QUOTE_LIMIT {
        return s.to_string();
    }
    let mut end = QUOTE_LIMIT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} [...]", &s[..end])
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Sysrebuild,
    Nix,
}

struct Evaluator {
    kind: Kind,
    program: PathBuf,
    /// Store, state and configuration for nix-instantiate; scratch files.
    scratch: tempfile::TempDir,
    counter: AtomicUsize,
}

impl Evaluator {
    fn new(kind: Kind, program: PathBuf) -> Evaluator {
        let scratch = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(scratch.path().join("conf")).unwrap();
        std::fs::write(scratch.path().join("conf").join("nix.conf"), "").unwrap();
        Evaluator {
            kind,
            program,
            scratch,
            counter: AtomicUsize::new(0),
        }
    }

    fn name(&self) -> &'static str {
        match self.kind {
            Kind::Sysrebuild => "sysrebuild",
            Kind::Nix => "nix-instantiate",
        }
    }

    fn command(&self, expr: &str) -> Command {
        let root = repo_root();
        let dir = self.scratch.path();
        let conf = dir.join("conf");
        let mut cmd = Command::new(&self.program);
        cmd.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        cmd.env("HOME", "/homeless-shelter")
            .env("NIX_PATH", "")
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .env("NIX_CONF_DIR", &conf)
            .env("XDG_CONFIG_HOME", &conf)
            .env("XDG_CACHE_HOME", conf.join("cache"))
            .env("NIX_USER_CONF_FILES", conf.join("nix.conf"));
        let include = format!("sysrebuild={}", root.display());
        match self.kind {
            Kind::Sysrebuild => {
                cmd.arg("eval");
            }
            Kind::Nix => {
                cmd.env("NIX_STATE_DIR", dir.join("state"))
                    .arg("--eval")
                    .arg("--store")
                    .arg(dir.join("store"));
            }
        }
        cmd.args(["--strict", "--json", "-I", &include, "-E", expr]);
        cmd
    }

    /// Evaluate `expr` to JSON; Err holds a description of the failure.
    fn eval(&self, expr: &str) -> Result<Value, String> {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let out_path = self.scratch.path().join(format!("out-{n}"));
        let err_path = self.scratch.path().join(format!("err-{n}"));
        let mut cmd = self.command(expr);
        cmd.stdin(Stdio::null())
            .stdout(std::fs::File::create(&out_path).unwrap())
            .stderr(std::fs::File::create(&err_path).unwrap());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.program.display()));
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if start.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        let _ = std::fs::remove_file(&out_path);
        let _ = std::fs::remove_file(&err_path);
        match status {
            None => Err(format!("timed out after {}s", TIMEOUT.as_secs())),
            Some(s) if !s.success() => Err(format!(
                "evaluation failed ({s}):\n{}",
                indent(&quote(&error_summary(&strip_traces(&stderr))))
            )),
            Some(_) => serde_json::from_str(stdout.trim())
                .map_err(|e| format!("unparsable JSON output ({e}): {}", quote(&stdout))),
        }
    }
}

/// Drop `trace:` lines (the cases exercise the tracing helpers) from stderr.
fn strip_traces(stderr: &str) -> String {
    let mut out = String::new();
    let mut in_trace = false;
    for line in stderr.lines() {
        if line.starts_with("trace: ") {
            in_trace = true;
            continue;
        }
        // Continuation lines of a multi-line trace are indented or closing.
        if in_trace && (line.starts_with(' ') || line == "]" || line == "}") {
            continue;
        }
        in_trace = false;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The first error line and the first source location, unless
/// LIB_TESTS_FULL_ERRORS is set (then everything).
fn error_summary(stderr: &str) -> String {
    if std::env::var_os("LIB_TESTS_FULL_ERRORS").is_some() {
        return stderr.to_string();
    }
    let mut lines = stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut out: Vec<&str> = Vec::new();
    if let Some(first) = lines.next() {
        out.push(first);
    }
    if let Some(at) = lines.find(|l| l.starts_with("at ")) {
        out.push(at);
    }
    out.join("\n")
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("      {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn case_names(ev: &Evaluator) -> Result<Vec<String>, String> {
    let v = ev.eval(&format!("builtins.attrNames (import {CASES})"))?;
    let names = v
        .as_array()
        .ok_or("attrNames did not return a list")?
        .iter()
        .filter_map(|n| n.as_str())
        .filter(|n| n.starts_with("test"))
        .map(str::to_string)
        .collect();
    Ok(names)
}

/// One failing case: (name, description).
type Failure = (String, String);

fn describe(expected: &Value, got: &Value) -> String {
    format!("expected: {expected}\n      got:      {got}")
}

/// All cases through lib.runTests in a single evaluation.
fn run_all(ev: &Evaluator) -> Result<Vec<Failure>, String> {
    let v = ev.eval(&format!(
        "let lib = import <sysrebuild/lib>; in lib.runTests (import {CASES})"
    ))?;
    let list = v.as_array().ok_or("runTests did not return a list")?;
    Ok(list
        .iter()
        .map(|f| {
            let name = f["name"].as_str().unwrap_or("?").to_string();
            (name, describe(&f["expected"], &f["result"]))
        })
        .collect())
}

/// Each case in its own evaluation, so that one case that breaks evaluation
/// does not hide the others.
fn run_each(ev: &Evaluator, names: &[String]) -> Vec<Failure> {
    let jobs: usize = std::env::var("LIB_TESTS_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(4)
        .max(1);
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(name) = names.get(i) else { break };
                    let expr = format!(
                        "let c = (import {CASES}).\"{name}\"; \
                         in {{ ok = c.expr == c.expected; expected = c.expected; got = c.expr; }}"
                    );
                    let failure = match ev.eval(&expr) {
                        Err(e) => Some(e),
                        Ok(v) if v["ok"] == Value::Bool(true) => None,
                        Ok(v) => Some(describe(&v["expected"], &v["got"])),
                    };
                    if let Some(f) = failure {
                        failures.lock().unwrap().push((name.clone(), f));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    failures
}

fn check(ev: &Evaluator) {
    let names = case_names(ev)
        .unwrap_or_else(|e| panic!("{}: cannot list the cases in {CASES}: {e}", ev.name()));
    assert!(
        names.len() >= MIN_CASES,
        "only {} cases in {CASES}, expected at least {MIN_CASES}",
        names.len()
    );
    let filter = std::env::var("LIB_TESTS_FILTER")
        .ok()
        .filter(|f| !f.is_empty());
    let (failures, mode) = match &filter {
        Some(f) => {
            let selected: Vec<String> = names
                .iter()
                .filter(|n| n.contains(f.as_str()))
                .cloned()
                .collect();
            (
                run_each(ev, &selected),
                format!("{} cases matching {f:?}, one by one", selected.len()),
            )
        }
        None => match run_all(ev) {
            Ok(failures) => (failures, format!("{} cases via lib.runTests", names.len())),
            Err(e) => {
                eprintln!(
                    "{}: lib.runTests over all cases failed, evaluating each case alone:\n{e}",
                    ev.name()
                );
                (
                    run_each(ev, &names),
                    format!("{} cases, one by one", names.len()),
                )
            }
        },
    };
    if failures.is_empty() {
        eprintln!("{}: {mode}: all passed", ev.name());
        return;
    }
    let mut report = format!("{}: {} of {mode} failed:\n", ev.name(), failures.len());
    for (name, what) in &failures {
        report.push_str(&format!("  {name}\n      {what}\n"));
    }
    panic!("{report}");
}

#[test]
fn lib_cases_sysrebuild() {
    let ev = Evaluator::new(
        Kind::Sysrebuild,
        PathBuf::from(env!("CARGO_BIN_EXE_sysrebuild")),
    );
    check(&ev);
}

#[test]
fn lib_cases_nix() {
    let Some(nix) = find_in_path("nix-instantiate") else {
        panic!(
            "nix-instantiate is not on PATH: the lib tests need Nix 2.8 as an oracle \
             (install Debian's nix-bin: apt-get install nix-bin)"
        );
    };
    let ev = Evaluator::new(Kind::Nix, nix);
    check(&ev);
}

#[test]
fn lib_files_are_documented() {
    // Every function binding in lib/*.nix must have a comment directly above
    // it (the documentation requirement of the library); checked textually.
    let dir = repo_root().join("lib");
    let mut undocumented = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("nix") || path.ends_with("default.nix")
        {
            continue;
        }
        undocumented.extend(undocumented_bindings(&path));
    }
    assert!(
        undocumented.is_empty(),
        "bindings without a comment above them:\n  {}",
        undocumented.join("\n  ")
    );
}

/// Top-level bindings (two-space indented `name = ...;` inside the file's
/// attribute set) not preceded by a comment line.
fn undocumented_bindings(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut in_body = false;
    for (i, line) in lines.iter().enumerate() {
        if *line == "rec {" || *line == "{" {
            in_body = true;
            continue;
        }
        if !in_body {
            continue;
        }
        let is_binding = line.starts_with("  ")
            && !line.starts_with("   ")
            && !line.trim_start().starts_with('#')
            && !line.trim_start().starts_with("inherit")
            && line.contains(" = ");
        if !is_binding {
            continue;
        }
        let prev = if i > 0 { lines[i - 1].trim_start() } else { "" };
        if !prev.starts_with('#') {
            out.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
        }
    }
    out
}
