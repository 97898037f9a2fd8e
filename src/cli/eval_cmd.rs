//! `sysrebuild eval`: evaluate an expression and print it like `nix-instantiate --eval`.

use super::eval_args::{EvalArgs, auto_call, current_dir, select_attr_path};
use crate::eval::Evaluator;
use crate::eval::error::EvalResult;
use crate::eval::print::{print_value, to_json};
use crate::eval::source::Span;
use crate::eval::value::Value;
use clap::Args;
use std::io::Write;

/// Evaluate a Nix file or expression.
#[derive(Args)]
pub struct EvalCommand {
    /// The file to evaluate (a directory means its default.nix); default: ./default.nix.
    #[arg(value_name = "FILE", conflicts_with = "expr")]
    file: Option<String>,
    /// Evaluate EXPR instead of a file.
    #[arg(short = 'E', long = "expr", value_name = "EXPR")]
    expr: Option<String>,
    /// Select an attribute of the result (e.g. `config.networking.hostName`).
    #[arg(short = 'A', long = "attr", value_name = "ATTRPATH")]
    attr: Vec<String>,
    /// Evaluate the result completely, not just its outermost layer.
    #[arg(long)]
    strict: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// The store evaluation reads from (the package indices `pkgs` loads live there):
    /// DIR/nix/store. Defaults to $SYSREBUILD_STORE, else the real /nix/store. Evaluation
    /// never writes to it.
    #[arg(long = "store", value_name = "DIR")]
    store: Option<String>,
    #[command(flatten)]
    eval: EvalArgs,
}

impl EvalCommand {
    /// Runs the command; returns the exit status.
    pub fn run(self) -> i32 {
        let mut settings = self.eval.settings();
        let from_env = std::env::var("SYSREBUILD_STORE")
            .ok()
            .filter(|s| !s.is_empty());
        if let Some(store) = self.store.clone().or(from_env) {
            settings.store_root = Some(
                std::path::absolute(&store)
                    .map(|p| p.display().to_string())
                    .unwrap_or(store),
            );
        }
        let mut ev = Evaluator::new(settings);
        let result = self.evaluate(&mut ev);
        let code = match result {
            Ok(outputs) => {
                let mut stdout = std::io::stdout().lock();
                for out in outputs {
                    // Like nix-instantiate, JSON output has no trailing newline.
                    let _ = if self.json {
                        write!(stdout, "{out}")
                    } else {
                        writeln!(stdout, "{out}")
                    };
                }
                let _ = stdout.flush();
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

    fn evaluate(&self, ev: &mut Evaluator) -> EvalResult<Vec<String>> {
        let root = match (&self.expr, &self.file) {
            (Some(expr), _) => ev.eval_string(expr, &current_dir())?,
            (None, file) => {
                let file = file.clone().unwrap_or_else(|| "default.nix".to_owned());
                let path = if file.starts_with('/') {
                    file
                } else {
                    format!("{}/{}", current_dir(), file)
                };
                ev.eval_file(&crate::eval::path::canonicalise(&path))?
            }
        };
        let args = self.eval.auto_args(ev)?;
        let paths = if self.attr.is_empty() {
            vec![String::new()]
        } else {
            self.attr.clone()
        };
        let mut outputs = Vec::new();
        for path in paths {
            let v = select_attr_path(ev, root.clone(), &path, &args)?;
            // As in `nix-instantiate --eval`, the result is only called when arguments
            // were given.
            let v = if args.is_empty() {
                v
            } else {
                auto_call(ev, v, &args)?
            };
            outputs.push(self.render(ev, v)?);
        }
        Ok(outputs)
    }

    fn render(&self, ev: &mut Evaluator, v: Value) -> EvalResult<String> {
        if self.json {
            let mut ctx = Default::default();
            return to_json(ev, &v, Span::NONE, &mut ctx);
        }
        let v = if self.strict {
            ev.force_deep(&v)?
        } else {
            ev.force(&v)?
        };
        Ok(print_value(&v))
    }
}
