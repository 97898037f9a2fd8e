//! `sysrebuild options`: list the options of a configuration, or show one option's value
//! and every definition of it.

use super::eval_args::{EvalArgs, current_dir};
use super::options_doc::{DocFormat, OptionDoc, render};
use crate::eval::Evaluator;
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::print::to_json;
use crate::eval::source::Span;
use clap::{Args, Subcommand};
use serde_json::Value as Json;
use std::fmt::Write;

/// The Nix side of the command: turns a configuration's options into data.
const OPTIONS_NIX: &str = include_str!("options_cmd.nix");

/// List or show the options of a configuration.
#[derive(Args)]
pub struct OptionsCommand {
    #[command(subcommand)]
    show: Option<ShowCommand>,
    /// Only options whose name contains PATTERN.
    #[arg(value_name = "PATTERN")]
    pattern: Option<String>,
    /// The configuration: a file evaluating to `lib.evalModules { … }`, or a module.
    #[arg(short = 'f', long = "file", value_name = "CONFIG", global = true)]
    file: Option<String>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Render the listed options as documentation: Markdown, HTML or a man page.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "json")]
    format: Option<DocFormat>,
    /// The documentation's title (with --format).
    #[arg(long, default_value = "sysrebuild options", requires = "format")]
    title: String,
    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<std::path::PathBuf>,
    #[command(flatten)]
    eval: EvalArgs,
}

#[derive(Subcommand)]
enum ShowCommand {
    /// Show an option's value and every definition of it (file:line).
    Show {
        /// The option, e.g. `networking.hostName`.
        option: String,
    },
}

impl OptionsCommand {
    /// Runs the command; returns the exit status.
    pub fn run(self) -> i32 {
        let mut ev = Evaluator::new(self.eval.settings());
        let code = match self.evaluate(&mut ev) {
            Ok(text) => match &self.output {
                None => {
                    print!("{text}");
                    0
                }
                Some(file) => match std::fs::write(file, text) {
                    Ok(()) => 0,
                    Err(e) => {
                        eprintln!("error: writing '{}': {e}", file.display());
                        1
                    }
                },
            },
            Err(e) => {
                eprint!("{}", e.render(&ev.sources));
                1
            }
        };
        super::discard_evaluator(ev);
        code
    }

    fn evaluate(&self, ev: &mut Evaluator) -> EvalResult<String> {
        let file = self
            .file
            .clone()
            .unwrap_or_else(|| "default.nix".to_owned());
        let file = if file.starts_with('/') {
            file
        } else {
            format!("{}/{}", current_dir(), file)
        };
        let file = crate::eval::path::canonicalise(&file);
        let option = match &self.show {
            Some(ShowCommand::Show { option }) => nix_string(option),
            None => "null".to_owned(),
        };
        let expr = format!(
            "({OPTIONS_NIX}) {{ file = {}; pattern = {}; option = {option}; }}",
            nix_string(&file),
            nix_string(self.pattern.as_deref().unwrap_or(""))
        );
        let v = ev.eval_string(&expr, &current_dir())?;
        let json = to_json(ev, &v, Span::NONE, &mut Default::default())?;
        if self.json {
            return Ok(format!("{json}\n"));
        }
        if let (Some(format), None) = (self.format, &self.show) {
            let options: Vec<OptionDoc> = serde_json::from_str(&json).map_err(|e| {
                EvalError::new(
                    ErrorKind::Other,
                    format!("unexpected option data: {e}"),
                    Span::NONE,
                )
            })?;
            return render(format, &self.title, &options)
                .map_err(|e| EvalError::new(ErrorKind::Other, e.to_string(), Span::NONE));
        }
        let data: Json = serde_json::from_str(&json).unwrap_or(Json::Null);
        Ok(match &self.show {
            Some(_) => render_one(&data),
            None => data
                .as_array()
                .map(|a| a.iter().map(render_entry).collect::<Vec<_>>().join("\n"))
                .unwrap_or_default(),
        })
    }
}

/// A Nix string literal for `s`.
fn nix_string(s: &str) -> String {
    let mut out = String::new();
    crate::eval::print::write_nix_string(&mut out, s);
    out
}

fn field<'a>(v: &'a Json, name: &str) -> Option<&'a str> {
    v.get(name).and_then(|x| x.as_str())
}

fn render_entry(o: &Json) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", field(o, "name").unwrap_or("?"));
    let _ = writeln!(
        out,
        "    type: {}",
        field(o, "type").unwrap_or("unspecified")
    );
    if let Some(d) = field(o, "default") {
        let _ = writeln!(out, "    default: {d}");
    }
    if let Some(e) = field(o, "example") {
        let _ = writeln!(out, "    example: {e}");
    }
    if let Some(d) = field(o, "description") {
        let _ = writeln!(out, "    description: {}", d.trim());
    }
    for decl in o
        .get("declarations")
        .and_then(|d| d.as_array())
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "    declared in: {}", decl.as_str().unwrap_or("?"));
    }
    out
}

fn render_one(o: &Json) -> String {
    let mut out = render_entry(o);
    match field(o, "value") {
        Some(v) => {
            let _ = writeln!(out, "    value: {v}");
        }
        None => {
            let _ = writeln!(out, "    value: (not defined)");
        }
    }
    for def in o
        .get("definitions")
        .and_then(|d| d.as_array())
        .into_iter()
        .flatten()
    {
        let file = field(def, "file").unwrap_or("?");
        let at = match def.get("line").and_then(|l| l.as_u64()) {
            Some(line) => format!("{file}:{line}"),
            None => file.to_owned(),
        };
        let _ = writeln!(
            out,
            "    defined in {at}: {}",
            field(def, "value").unwrap_or("?")
        );
    }
    out
}
