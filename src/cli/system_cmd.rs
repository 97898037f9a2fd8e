//! What `sysrebuild build -f CONFIG`, `dry-build` and `build-vm` share: the expression
//! that evaluates a configuration through `<sysrebuild/modules/system.nix>`, and the
//! checks (every failed assertion, every warning) run before anything is built.

use std::path::Path;

use crate::eval::Evaluator;
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::print::write_nix_string;
use crate::eval::source::Span;
use crate::eval::value::{Attrs, Value};

use super::eval_args::select_attr_path;

/// Which build of a configuration a command makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemTarget {
    /// `config.system.build.toplevel`, the system itself.
    Toplevel,
    /// `config.system.build.vm`, a script running the system in QEMU.
    Vm,
}

impl SystemTarget {
    /// The attribute of `modules/system.nix` holding this build.
    pub fn attr(self) -> &'static str {
        match self {
            SystemTarget::Toplevel => "toplevel",
            SystemTarget::Vm => "vm",
        }
    }
}

/// The configuration file a system command uses: `-f FILE`, else `./configuration.nix`.
pub fn configuration_file(given: Option<&str>) -> String {
    given.unwrap_or("configuration.nix").to_owned()
}

/// The Nix expression evaluating `config_file` (an absolute path) for `target`.
pub fn system_expression(config_file: &Path, target: SystemTarget) -> String {
    let mut path = String::new();
    write_nix_string(&mut path, &config_file.to_string_lossy());
    format!(
        "import <sysrebuild/modules/system.nix> {{ configuration = /. + {path}; vm = {}; }}",
        target == SystemTarget::Vm
    )
}

/// What `checks` reports about a configuration.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checks {
    failed_assertions: Vec<String>,
    warnings: Vec<String>,
}

/// Prints the configuration's warnings (`warning: …`, one per line, on stderr) and
/// returns its failed assertions' messages, all of them.
pub fn check_configuration(ev: &mut Evaluator, entry: &Value) -> EvalResult<Vec<String>> {
    let checks = select_attr_path(ev, entry.clone(), "checks", &Attrs::new())?;
    let text = match ev.force(&checks)? {
        Value::String(s) => s.text.to_string(),
        other => {
            return Err(internal_error(format!(
                "modules/system.nix: `checks` is {} and not a string",
                other.type_description()
            )));
        }
    };
    let checks: Checks = serde_json::from_str(&text)
        .map_err(|e| internal_error(format!("modules/system.nix: `checks` is not valid: {e}")))?;
    for warning in &checks.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(checks.failed_assertions)
}

/// The message shown when assertions fail: every one of them.
pub fn failed_assertions_message(messages: &[String]) -> String {
    let mut text = String::from("the configuration has failed assertions:");
    for m in messages {
        text.push_str("\n- ");
        text.push_str(&m.replace('\n', "\n  "));
    }
    text
}

/// An error in sysrebuild's own Nix files (not the user's input).
fn internal_error(message: String) -> Box<EvalError> {
    EvalError::new(ErrorKind::Other, message, Span::NONE)
}
