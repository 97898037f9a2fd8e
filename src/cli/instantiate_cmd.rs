//! `sysrebuild instantiate`: evaluate derivations and write their `.drv` files to a store,
//! printing the `.drv` paths like `nix-instantiate`.

use super::eval_args::{EvalArgs, auto_call, current_dir, select_attr_path};
use crate::eval::Evaluator;
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::source::Span;
use crate::eval::value::{Attrs, Value};
use clap::Args;
use std::io::Write;
use std::rc::Rc;

/// Options of `sysrebuild instantiate` (documented on the subcommand in `cli/mod.rs`).
#[derive(Args)]
pub struct InstantiateCommand {
    /// The file to evaluate (a directory means its default.nix); default: ./default.nix.
    #[arg(value_name = "FILE")]
    file: Option<String>,
    /// Select an attribute of the result (e.g. `hello` or `pkgs.0`); may be repeated.
    #[arg(short = 'A', long = "attr", value_name = "ATTRPATH")]
    attr: Vec<String>,
    /// The store to write to: `.drv` files go to DIR/nix/store. Defaults to
    /// $SYSREBUILD_STORE, else the real /nix/store.
    #[arg(long = "store", value_name = "DIR")]
    store: Option<String>,
    #[command(flatten)]
    eval: EvalArgs,
}

impl InstantiateCommand {
    /// Runs the command; returns the exit status.
    pub fn run(self) -> i32 {
        let from_env = std::env::var("SYSREBUILD_STORE")
            .ok()
            .filter(|s| !s.is_empty());
        let store = self
            .store
            .clone()
            .or(from_env)
            .unwrap_or_else(|| "/".into());
        let mut settings = self.eval.settings();
        settings.write_store = true;
        settings.store_root = Some(absolute(&store));
        let mut ev = Evaluator::new(settings);
        let code = match self.instantiate(&mut ev) {
            Ok(lines) => {
                let mut stdout = std::io::stdout().lock();
                for line in lines {
                    let _ = writeln!(stdout, "{line}");
                }
                0
            }
            Err(e) => {
                eprint!("{}", e.render(&ev.sources));
                1
            }
        };
        super::discard_evaluator(ev);
        code
    }

    fn instantiate(&self, ev: &mut Evaluator) -> EvalResult<Vec<String>> {
        let file = self
            .file
            .clone()
            .unwrap_or_else(|| "default.nix".to_owned());
        let path = if file.starts_with('/') {
            file
        } else {
            format!("{}/{}", current_dir(), file)
        };
        let root = ev.eval_file(&crate::eval::path::canonicalise(&path))?;
        let args = self.eval.auto_args(ev)?;
        derivation_lines(ev, root, &self.attr, &args)
    }
}

/// The `DRV` / `DRV!OUTPUT` lines of the derivations selected by `attrs` (all of `root`
/// if empty) in `root`, auto-called with `args`.
pub(super) fn derivation_lines(
    ev: &mut Evaluator,
    root: Value,
    attrs: &[String],
    args: &Attrs,
) -> EvalResult<Vec<String>> {
    let paths = if attrs.is_empty() {
        vec![String::new()]
    } else {
        attrs.to_vec()
    };
    let mut lines = Vec::new();
    for attr_path in paths {
        let v = if attr_path.is_empty() {
            auto_call(ev, root.clone(), args)?
        } else {
            select_attr_path(ev, root.clone(), &attr_path, args)?
        };
        let mut found = Vec::new();
        collect_derivations(ev, &v, args, &mut found)?;
        for drv in found {
            lines.push(drv_line(ev, &drv)?);
        }
    }
    Ok(lines)
}

/// Whether a forced value is a derivation (`type = "derivation"`).
fn is_derivation(ev: &mut Evaluator, attrs: &Attrs) -> EvalResult<bool> {
    let Some(t) = attrs.get(ev.sym.type_).cloned() else {
        return Ok(false);
    };
    Ok(matches!(ev.force(&t)?, Value::String(s) if s.text == "derivation"))
}

/// Nix's `getDerivations`: the derivations in `v` (a derivation, a list, or a set of
/// them), skipping sets already seen.
fn collect_derivations(
    ev: &mut Evaluator,
    v: &Value,
    args: &Attrs,
    out: &mut Vec<Rc<Attrs>>,
) -> EvalResult<()> {
    let v = auto_call(ev, v.clone(), args)?;
    match &v {
        Value::Attrs(a) if is_derivation(ev, a)? => push_unique(out, a),
        Value::Attrs(a) => {
            for attr in a.sorted_by_name() {
                let inner = ev.force(&attr.value)?;
                let Value::Attrs(inner_attrs) = &inner else {
                    continue;
                };
                if is_derivation(ev, inner_attrs)? {
                    push_unique(out, inner_attrs);
                } else if let Some(r) = inner_attrs
                    .get(crate::eval::symbol::Symbol::intern("recurseForDerivations"))
                    .cloned()
                    && matches!(ev.force(&r)?, Value::Bool(true))
                {
                    collect_derivations(ev, &inner, args, out)?;
                }
            }
        }
        Value::List(items) => {
            for item in &items.0 {
                collect_derivations(ev, item, args, out)?;
            }
        }
        _ => {
            return Err(EvalError::new(
                ErrorKind::Other,
                "expression does not evaluate to a derivation (or a set or list of those)",
                Span::NONE,
            ));
        }
    }
    Ok(())
}

fn push_unique(out: &mut Vec<Rc<Attrs>>, a: &Rc<Attrs>) {
    if !out.iter().any(|o| Rc::ptr_eq(o, a)) {
        out.push(a.clone());
    }
}

/// `DRVPATH` or `DRVPATH!OUTPUT` for one derivation.
fn drv_line(ev: &mut Evaluator, drv: &Attrs) -> EvalResult<String> {
    let fail = |what: &str| {
        EvalError::new(
            ErrorKind::Other,
            format!("derivation lacks a '{what}' attribute"),
            Span::NONE,
        )
    };
    let drv_path = drv
        .get(ev.sym.drv_path)
        .cloned()
        .ok_or_else(|| fail("drvPath"))?;
    let drv_path = ev.expect_string_no_ctx(&drv_path, Span::NONE)?;
    let output = match drv
        .get(crate::eval::symbol::Symbol::intern("outputName"))
        .cloned()
    {
        Some(o) => ev.expect_string_no_ctx(&o, Span::NONE)?,
        None => {
            return Err(EvalError::new(
                ErrorKind::Other,
                format!("derivation '{drv_path}' lacks an 'outputName' attribute"),
                Span::NONE,
            ));
        }
    };
    Ok(if output == "out" {
        drv_path
    } else {
        format!("{drv_path}!{output}")
    })
}

pub(super) fn absolute(p: &str) -> String {
    if p.starts_with('/') {
        crate::eval::path::canonicalise(p)
    } else {
        crate::eval::path::canonicalise(&format!("{}/{p}", current_dir()))
    }
}
