//! `sysrebuild eval` through the binary: exit codes, error reports, deep inputs.

use std::process::{Command, Output};

fn sysrebuild(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .args(args)
        .env("NIX_PATH", "")
        .output()
        .expect("the sysrebuild binary runs")
}

fn eval_expr(expr: &str) -> Output {
    sysrebuild(&["eval", "--strict", "-E", expr])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A user error: exit status 1, an `error:` message, and never a panic or a backtrace.
fn assert_user_error(o: &Output, fragment: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert!(err.starts_with("error: "), "stderr: {err}");
    assert!(err.contains(fragment), "expected {fragment:?} in: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "stderr: {err}"
    );
}

#[test]
fn evaluates_and_prints_like_nix() {
    let o = eval_expr("{ b = [ 1 2.5 \"x\" ]; a = null; }");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{ a = null; b = [ 1 2.5 \"x\" ]; }\n");
}

#[test]
fn json_output_has_no_trailing_newline() {
    let o = sysrebuild(&["eval", "--json", "-E", "{ a = [ 1 true ]; }"]);
    assert_eq!(stdout(&o), r#"{"a":[1,true]}"#);
}

#[test]
fn arguments_and_attribute_paths() {
    let o = sysrebuild(&[
        "eval",
        "--argstr",
        "who",
        "world",
        "-E",
        "{ who }: \"hello ${who}\"",
    ]);
    assert_eq!(stdout(&o), "\"hello world\"\n");
    let o = sysrebuild(&["eval", "-A", "a.b", "-E", "{ a.b = 42; }"]);
    assert_eq!(stdout(&o), "42\n");
    let o = sysrebuild(&["eval", "-A", "a.c", "-E", "{ a.b = 42; }"]);
    assert_user_error(&o, "attribute 'c' in selection path 'a.c' not found");
}

#[test]
fn error_shows_location_source_line_and_caret() {
    let o = eval_expr("let x = { y = 1; };\nin x.z");
    assert_user_error(&o, "attribute 'z' missing; did you mean 'y'?");
    let err = stderr(&o);
    assert!(err.contains("at «string»:2:4:"), "{err}");
    assert!(err.contains("2| in x.z"), "{err}");
    assert!(err.contains("|    ^^^"), "{err}");
}

/// Whether `err` shows `expr` with a caret line under exactly `underlined`, which starts
/// where `at` first occurs.
fn underlines(err: &str, expr: &str, at: &str, underlined: &str) -> bool {
    let col = expr
        .find(at)
        .expect("the underlined text is in the expression");
    let carets = format!("| {}{}", " ".repeat(col), "^".repeat(underlined.len()));
    err.contains(&format!("1| {expr}")) && err.lines().any(|l| l.ends_with(&carets))
}

/// Attributes keep only where their definition starts; the frames naming them still
/// underline the whole definition (`name = value;`), the inherited name or the dynamic
/// definition, also with several on one line.
#[test]
fn attribute_frames_underline_the_whole_definition() {
    let nested = "{ a = { b = throw \"no\"; }; c = 1; }";
    let inherited = "let x = throw \"no\"; in { c = 1; inherit x; }";
    let dynamic = "{ c = 1; ${\"d\"} = throw \"no\"; e = 2; }";
    let cases = [
        (nested, "b = throw \"no\";", "b = throw \"no\";"),
        (nested, "a = { b", "a = { b = throw \"no\"; };"),
        (inherited, "x; }", "x"),
        (dynamic, "${", "${\"d\"} = throw \"no\";"),
    ];
    for (expr, at, underlined) in cases {
        let o = eval_expr(expr);
        assert_user_error(&o, "no");
        let err = stderr(&o);
        assert!(
            underlines(&err, expr, at, underlined),
            "{underlined:?} in {err}"
        );
    }
}

#[test]
fn every_syntax_error_is_listed() {
    let o = eval_expr("{ a = 1 +; b = ; }");
    assert_user_error(&o, "syntax error");
    assert!(
        stderr(&o).matches("error: syntax error").count() >= 2,
        "{}",
        stderr(&o)
    );
}

#[test]
fn duplicate_attribute_names_the_first_definition() {
    let o = eval_expr("{ a = 1; a = 2; }");
    assert_user_error(&o, "attribute 'a' already defined at «string»:1:3");
}

#[test]
fn infinite_recursion_is_reported_with_its_location() {
    let o = eval_expr("let x = x + 1; in x");
    assert_user_error(&o, "infinite recursion encountered");
    assert!(stderr(&o).contains("at «string»:1:"), "{}", stderr(&o));
}

#[test]
fn runaway_recursion_is_an_error_not_a_crash() {
    let o = eval_expr("let f = n: 1 + f (n + 1); in f 0");
    assert_user_error(&o, "stack overflow (possible infinite recursion)");
}

#[test]
fn deep_but_finite_work_evaluates() {
    let o = eval_expr("let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 100000");
    assert_eq!(stdout(&o), "100000\n", "{}", stderr(&o));
    let o = eval_expr("builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 1000000)");
    assert_eq!(stdout(&o), "499999500000\n", "{}", stderr(&o));
}

#[test]
fn absurd_nesting_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (open, close) in [("(", ")"), ("[", "]")] {
        let file = dir.path().join("nested.nix");
        let text = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        std::fs::write(&file, text).expect("writable temp dir");
        let o = sysrebuild(&["eval", file.to_str().expect("utf-8 temp path")]);
        assert_user_error(&o, "nested too deeply");
    }
}

#[test]
fn missing_file_is_a_clear_error() {
    let o = sysrebuild(&["eval", "/nonexistent/configuration.nix"]);
    assert_user_error(&o, "/nonexistent/configuration.nix");
}

#[test]
fn integer_overflow_is_an_error() {
    let o = eval_expr("9223372036854775807 + 1");
    assert_user_error(&o, "integer overflow");
}

#[test]
fn own_nix_files_are_on_the_search_path() {
    let o = eval_expr("(import <sysrebuild/lib>).toUpper \"abc\"");
    assert_eq!(stdout(&o), "\"ABC\"\n", "{}", stderr(&o));
}

#[test]
fn help_and_usage_errors() {
    let o = sysrebuild(&["eval", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--strict"));
    let o = sysrebuild(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(1));
}
