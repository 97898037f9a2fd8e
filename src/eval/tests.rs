//! Regression tests for inputs found by fuzzing (`fuzz/`): each must end in a value or an
//! evaluation error.

use super::{Evaluator, Settings};

/// Evaluates `text` deeply; the printed value or the rendered error.
fn eval(text: &str) -> Result<String, String> {
    let mut ev = Evaluator::new(Settings::default());
    match ev.eval_string(text, "/").and_then(|v| ev.force_deep(&v)) {
        Ok(v) => Ok(super::print::print_value(&v)),
        Err(e) => Err(e.render(&ev.sources)),
    }
}

#[test]
fn regex_on_empty_text() {
    assert_eq!(
        eval(r#"[ (builtins.match "" "") (builtins.split "a" "") ]"#),
        Ok(r#"[ [ ] [ "" ] ]"#.to_owned())
    );
}

/// Whether `text` fails with the depth limit's error.
fn overflows(text: &str) -> bool {
    matches!(eval(text), Err(e) if e.contains("stack overflow (possible infinite recursion)"))
}

/// Calls in tail position loop instead of nesting, and used to loop for ever.
#[test]
fn endless_tail_calls_hit_the_depth_limit() {
    assert!(overflows("let f = x: f x; in f 1"));
    assert!(overflows("(x: x x) (x: x x)"));
    // A long but finite tail-recursive loop still runs.
    assert_eq!(
        eval("let f = n: if n == 0 then 0 else f (n - 1); in f 100000"),
        Ok("0".to_owned())
    );
}

/// Recursion over values rather than expressions overflowed the native stack on cyclic
/// values (or on a functor returning itself) instead of reaching the depth limit.
#[test]
fn cyclic_values_hit_the_depth_limit() {
    for text in [
        "{ __functor = self: self; } 1",
        "let x = { a = x; }; y = { a = y; }; in x == y",
        "let x = [ x ]; y = [ y ]; in x < y",
        "builtins.toString (let x = [ x ]; in x)",
        r#"let x = { outPath = x; }; in "${x}""#,
        r#"let x = { __toString = s: s; }; in "${x}""#,
        "builtins.toJSON (let x = [ x ]; in x)",
        "builtins.genericClosure { startSet = [ { key = let x = [ x ]; in x; } ]; operator = x: [ ]; }",
    ] {
        assert!(overflows(text), "{text}: {:?}", eval(text));
    }
    // toXML's indentation is quadratic in the depth; it has a lower limit.
    assert!(
        matches!(eval("builtins.toXML (let x = [ x ]; in x)"), Err(e) if e.contains("nested too deeply"))
    );
}

/// A selection passed as an argument is shared when its sets are evaluated (no thunk), but
/// stays lazy: nothing is forced, and a missing attribute fails only when it is used.
#[test]
fn selections_from_evaluated_sets_stay_lazy() {
    assert_eq!(
        eval(r#"let s = { a = throw "forced"; b.c = 2; }; f = x: 1; in builtins.seq s (f s.a)"#),
        Ok("1".to_owned())
    );
    assert_eq!(
        eval("let s = { b.c = 2; }; f = x: 1; in builtins.seq s (f s.missing.x)"),
        Ok("1".to_owned())
    );
    assert_eq!(
        eval("let s = { b.c = 2; }; in builtins.seq s.b ((x: x) s.b.c)"),
        Ok("2".to_owned())
    );
    let err = eval("let s = { b = 1; }; in builtins.seq s ((x: x + 1) s.missing)").unwrap_err();
    assert!(err.contains("attribute 'missing' missing"), "{err}");
}

/// A selection from a local variable reads the variable in place (`SelectLocal`); its
/// errors point where they did when the variable was an expression of its own.
#[test]
fn selections_from_local_variables_keep_their_errors() {
    let err = eval("let a = 1; in a.b").unwrap_err();
    assert!(
        err.contains("value is an integer while a set was expected"),
        "{err}"
    );
    assert!(err.contains("«string»:1:15"), "{err}");
    let err = eval("let x = x.a; in x").unwrap_err();
    assert!(err.contains("infinite recursion encountered"), "{err}");
    assert!(err.contains("«string»:1:9"), "{err}");
    let err = eval("(x: x.a.b) { a = { c = 1; }; }").unwrap_err();
    assert!(
        err.contains("attribute 'b' missing; did you mean 'c'?"),
        "{err}"
    );
    assert!(err.contains("«string»:1:5"), "{err}");
    assert_eq!(
        eval("let s = { a.b = 1; }; in [ s.a.b s.a (s).a.b ]"),
        Ok("[ 1 { b = 1; } 1 ]".to_owned())
    );
    // Two names (kept inline), three, and a non-set on the way.
    let err = eval("(x: x.a.b) { a = 1; }").unwrap_err();
    assert!(
        err.contains("value is an integer while a set was expected"),
        "{err}"
    );
    assert!(err.contains("«string»:1:5"), "{err}");
    assert_eq!(
        eval("let s = { a.b.c = 1; }; in [ s.a.b.c s.a.\"b\" s.a.${\"b\"}.c ]"),
        Ok("[ 1 { c = 1; } 1 ]".to_owned())
    );
}

/// Set and list literals are built without a thunk, a bounded number of levels deep at a
/// time: deeply nested literals still evaluate (and print) without exhausting the stack,
/// and building a literal never evaluates what is inside it.
#[test]
fn literals_are_built_eagerly_but_lazily_inside() {
    let depth = 150;
    let nested = format!("{}1{}", "{ a = [ ".repeat(depth), " ]; }".repeat(depth));
    let walk = format!(
        "let x = {nested}; f = s: n: if n == 0 then s else f (builtins.head s.a) (n - 1); \
         in f x {depth}"
    );
    assert_eq!(eval(&walk), Ok("1".to_owned()));
    assert!(eval(&nested).is_ok_and(|printed| printed.ends_with("]; }")));
    assert_eq!(
        eval("let s = { a = throw \"inner\"; b = [ (throw \"item\") ]; }; in builtins.attrNames s"),
        Ok(r#"[ "a" "b" ]"#.to_owned())
    );
    assert_eq!(
        eval("let r = rec { a = 1; b = { c = a + 1; }; }; in [ r.b.c { } [ ] ({ } == { }) ]"),
        Ok("[ 2 { } [ ] true ]".to_owned())
    );
}
