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
