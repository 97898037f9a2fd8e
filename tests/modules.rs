//! Conformance suite of the module system: every directory under `tests/modules/` is a
//! case with a `case.nix` (an expression, usually `lib.evalModules { … }).config`, that
//! may import other files of the directory) and either `expected.json` (the value, as
//! `sysrebuild eval --strict --json` prints it) or `expected-error.txt` (a fragment the
//! error message must contain). Every failing case is listed.
//!
//! `MODULE_TESTS_FILTER=substr` runs only the cases whose name contains `substr`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Guards against the suite silently losing cases.
const MIN_CASES: usize = 200;

fn run_case(dir: &Path) -> Result<(), String> {
    let case = dir.join("case.nix");
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .args(["eval", "--strict", "--json", "-I"])
        .arg(format!("sysrebuild={root}"))
        .arg(&case)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run sysrebuild: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if let Ok(expected) = std::fs::read_to_string(dir.join("expected.json")) {
        if !out.status.success() {
            return Err(format!("expected a value, got an error:\n{stderr}"));
        }
        let want: serde_json::Value = serde_json::from_str(&expected)
            .map_err(|e| format!("expected.json does not parse: {e}"))?;
        let got: serde_json::Value = serde_json::from_str(&stdout)
            .map_err(|e| format!("output is not JSON ({e}): {stdout}"))?;
        if want != got {
            return Err(format!("expected {want}\n     got {got}"));
        }
        return Ok(());
    }
    let fragment = std::fs::read_to_string(dir.join("expected-error.txt"))
        .map_err(|_| "neither expected.json nor expected-error.txt".to_string())?;
    let fragment = fragment
        .trim_end_matches('\n')
        .replace("$DIR", &dir.to_string_lossy());
    if out.status.success() {
        return Err(format!(
            "expected an error containing {fragment:?}, got {stdout}"
        ));
    }
    if !stderr.contains(&fragment) {
        return Err(format!(
            "expected an error containing {fragment:?}, got:\n{stderr}"
        ));
    }
    Ok(())
}

#[test]
fn module_conformance() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/modules");
    let filter = std::env::var("MODULE_TESTS_FILTER").ok();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&base)
        .expect("tests/modules exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("case.nix").is_file())
        .collect();
    cases.sort();
    if filter.is_none() {
        assert!(
            cases.len() >= MIN_CASES,
            "only {} module cases found (expected at least {MIN_CASES})",
            cases.len()
        );
    }
    let cases: Vec<PathBuf> = cases
        .into_iter()
        .filter(|p| {
            filter
                .as_deref()
                .is_none_or(|f| p.file_name().unwrap().to_string_lossy().contains(f))
        })
        .collect();
    let failures = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(case) = cases.get(i) else { break };
                    if let Err(e) = run_case(case) {
                        let name = case.file_name().unwrap().to_string_lossy().to_string();
                        failures.lock().unwrap().push(format!("{name}: {e}"));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} module cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

fn sysrebuild_options(args: &[&str]) -> (bool, String, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .arg("options")
        .args(["-I", &format!("sysrebuild={root}")])
        .args(args)
        .current_dir(PathBuf::from(root).join("tests/modules-cli"))
        .output()
        .expect("sysrebuild runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn options_command_lists_options() {
    let (ok, out, err) = sysrebuild_options(&["-f", "config.nix"]);
    assert!(ok, "{err}");
    assert!(out.contains("networking.hostName\n    type: string\n    default: \"nixos\"\n    example: \"server\"\n    description: The host name."), "{out}");
    assert!(out.contains("networking.enableIPv6"), "{out}");
    assert!(out.contains("options.nix"), "{out}");
    let (ok, out, _) = sysrebuild_options(&["--json", "host", "-f", "config.nix"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v.as_array().map(|a| a.len()), Some(1), "{out}");
    assert_eq!(v[0]["type"], "string");
}

#[test]
fn options_command_shows_definitions() {
    let (ok, out, err) = sysrebuild_options(&["show", "networking.hostName", "-f", "config.nix"]);
    assert!(ok, "{err}");
    assert!(out.contains("value: \"box\""), "{out}");
    assert!(out.contains("config.nix:5: \"box\""), "{out}");
    let (ok, _, err) = sysrebuild_options(&["show", "networking.nope", "-f", "config.nix"]);
    assert!(!ok);
    assert!(
        err.contains("The option `networking.nope' does not exist."),
        "{err}"
    );
}

#[test]
fn options_command_lists_submodule_options_and_hides_invisible_ones() {
    let (ok, out, err) = sysrebuild_options(&["-f", "config.nix"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("users.users.<name>.home\n    type: path"),
        "{out}"
    );
    assert!(!out.contains("secret"), "{out}");
}

#[test]
fn options_command_renders_documentation() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (format, file, expected) in [
        (
            "markdown",
            "options.md",
            "## users.users.\\<name\\>.home\n\nThe user's *home* directory",
        ),
        (
            "html",
            "options.html",
            "<p>The user's <em>home</em> directory, see <code>passwd(5)</code>.</p>",
        ),
        (
            "man",
            "options.5",
            "The user's \\fIhome\\fR directory, see \\fBpasswd(5)\\fR.",
        ),
    ] {
        let path = dir.path().join(file);
        let path_str = path.to_str().expect("UTF-8 path");
        let (ok, out, err) =
            sysrebuild_options(&["-f", "config.nix", "--format", format, "-o", path_str]);
        assert!(ok, "{format}: {err}");
        assert!(out.is_empty(), "{format}: {out}");
        let text = std::fs::read_to_string(&path).expect("documentation written");
        assert!(text.contains(expected), "{format}:\n{text}");
        assert!(text.contains("networking.hostName"), "{format}:\n{text}");
    }
    let (ok, _, err) = sysrebuild_options(&["-f", "config.nix", "--format", "pdf"]);
    assert!(!ok);
    assert!(err.contains("invalid value 'pdf'"), "{err}");
}
