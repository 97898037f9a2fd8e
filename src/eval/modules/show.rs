//! How the module system names options and shows definitions in messages.

use crate::eval::error::{EvalError, EvalResult};
use crate::eval::machine::{CoerceOpts, Evaluator};
use crate::eval::source::Span;
use crate::eval::value::Value;
use std::rc::Rc;

/// `a.b."c.d"`: an option path as NixOS's `showOption` writes it.
pub(crate) fn option_path(path: &[Rc<str>]) -> String {
    let mut out = String::new();
    for (i, p) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        let plain = !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-'".contains(c))
            && !p.starts_with(['-', '\'']);
        let special = &**p == "*" || p.len() > 2 && p.starts_with('<') && p.ends_with('>');
        if plain || special {
            out.push_str(p);
        } else {
            crate::eval::print::write_nix_string(&mut out, p);
        }
    }
    out
}

/// The option path of a Nix list of names.
pub(crate) fn loc_string(ev: &mut Evaluator, loc: &Value) -> EvalResult<String> {
    let v = ev.force(loc)?;
    let Value::List(l) = v else {
        return Ok(String::new());
    };
    let mut parts = Vec::with_capacity(l.0.len());
    for item in &l.0 {
        let s = ev.coerce_to_string(item, Span::NONE, CoerceOpts::to_string())?;
        parts.push(Rc::from(s.text.as_str()));
    }
    Ok(option_path(&parts))
}

/// A value as definitions are shown: evaluated as far as possible, on one line.
pub(crate) fn show_value(ev: &mut Evaluator, v: &Value) -> String {
    match ev.force_deep(v) {
        Ok(v) => crate::eval::print::print_value(&v),
        Err(_) => match ev.force(v) {
            Ok(v) => crate::eval::print::print_value(&v),
            Err(_) => "«error»".to_owned(),
        },
    }
}

/// "\nDefinition values:\n- In `file': value" for each definition.
pub(crate) fn show_defs(ev: &mut Evaluator, defs: &[(Rc<str>, Value)]) -> String {
    format!(" Definition values:{}", def_lines(ev, defs))
}

/// "\n- In `file': value" for each definition.
pub(crate) fn def_lines(ev: &mut Evaluator, defs: &[(Rc<str>, Value)]) -> String {
    let mut out = String::new();
    for (file, value) in defs {
        let shown = show_value(ev, value);
        out.push_str(&format!("\n- In `{file}': {shown}"));
    }
    out
}

/// "The option `path' was accessed but has no value defined."
pub(crate) fn not_defined(path: &str, span: Span) -> Box<EvalError> {
    super::error(
        format!(
            "The option `{path}' was accessed but has no value defined. Try setting the option."
        ),
        span,
    )
}
