//! `sysrebuild vm-test FILE`: evaluate a test declaration (`{ name; nodes; testScript; }`)
//! and run it with the VM driver.
//!
//! Nodes are started through the build-vm contract: `nodes.<n>.vm.runScript` names a
//! `run-<host>-vm` script, or `nodes.<n>.vm = { kernel; initrd; cmdline ? ""; memorySize ?
//! 256; }` boots a kernel directly. Nodes given as a configuration need build-vm to make
//! that script, which does not exist yet (see vm-tests/README.md).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::eval_args::{EvalArgs, auto_call, current_dir};
use crate::eval::Evaluator;
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attrs, Value};
use crate::vmtest::driver::{RunOptions, TestSpec, run};
use crate::vmtest::{Accel, NodeStart};

/// Options of `sysrebuild vm-test` (documented on the subcommand in `cli/mod.rs`).
#[derive(Args)]
pub struct VmTestCommand {
    /// The test file (vm-tests/NAME.nix).
    #[arg(value_name = "FILE")]
    file: String,
    /// After the script, keep the VMs running and read driver commands from stdin.
    #[arg(long)]
    interactive: bool,
    /// The global timeout of the test, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
    timeout: u64,
    /// QEMU's accelerator (KVM hangs on some hosts: TCG is the default).
    #[arg(long, value_enum, default_value_t = AccelArg::Tcg)]
    accel: AccelArg,
    /// Where screenshots, copied files, serial logs and VM state go (default: a new
    /// directory under $TMPDIR, kept after the test).
    #[arg(long = "out", value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    eval: EvalArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum AccelArg {
    Tcg,
    Kvm,
}

impl VmTestCommand {
    /// Runs the command; returns the exit status.
    pub fn run(self) -> i32 {
        let mut ev = Evaluator::new(self.eval.settings());
        let spec = match self.load(&mut ev) {
            Ok(spec) => spec,
            Err(e) => {
                eprint!("{}", e.render(&ev.sources));
                super::discard_evaluator(ev);
                return 1;
            }
        };
        super::discard_evaluator(ev);
        let out_dir = self.out.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!(
                "sysrebuild-vm-test-{}-{}",
                spec.name,
                std::process::id()
            ))
        });
        let options = RunOptions {
            timeout: Duration::from_secs(self.timeout),
            accel: match self.accel {
                AccelArg::Tcg => Accel::Tcg,
                AccelArg::Kvm => Accel::Kvm,
            },
            out_dir,
            interactive: self.interactive,
        };
        match run(&spec, &options) {
            Ok(()) => 0,
            Err(report) => {
                eprintln!("error: {report}");
                1
            }
        }
    }

    fn load(&self, ev: &mut Evaluator) -> EvalResult<TestSpec> {
        let path = if self.file.starts_with('/') {
            self.file.clone()
        } else {
            format!("{}/{}", current_dir(), self.file)
        };
        let root = ev.eval_file(&crate::eval::path::canonicalise(&path))?;
        let args = self.eval.auto_args(ev)?;
        let root = auto_call(ev, root, &args)?;
        let test = attrs(ev, &root, "the test")?;
        let name = string(ev, &test, "name", "the test")?;
        let script = string(ev, &test, "testScript", "the test")?;
        let nodes_value = required(&test, "nodes", "the test")?;
        let nodes = attrs(ev, &nodes_value, "nodes")?;
        let mut list = Vec::new();
        for attr in nodes.sorted_by_name() {
            let node = attr.name.as_str().to_owned();
            let what = format!("nodes.{node}");
            let def = attrs(ev, &attr.value, &what)?;
            let Some(vm) = def.get(Symbol::intern("vm")) else {
                return Err(other(format!(
                    "{what}: starting a node from its configuration needs `sysrebuild build-vm`, \
                     which is not implemented yet; give `{what}.vm = {{ kernel; initrd; }}` or \
                     `{what}.vm.runScript` (see vm-tests/README.md)"
                )));
            };
            let what = format!("{what}.vm");
            let vm = attrs(ev, &vm.clone(), &what)?;
            let start = if vm.get(Symbol::intern("runScript")).is_some() {
                NodeStart::Script(PathBuf::from(string(ev, &vm, "runScript", &what)?))
            } else {
                let cmdline = match vm.get(Symbol::intern("cmdline")) {
                    Some(_) => string(ev, &vm, "cmdline", &what)?,
                    None => String::new(),
                };
                let memory_mb = match vm.get(Symbol::intern("memorySize")) {
                    Some(v) => match ev.force(&v.clone())? {
                        Value::Int(n) if (64..=65536).contains(&n) => n as u32,
                        _ => {
                            return Err(other(format!(
                                "{what}.memorySize must be an integer between 64 and 65536 (MiB)"
                            )));
                        }
                    },
                    None => 256,
                };
                NodeStart::Kernel {
                    kernel: PathBuf::from(string(ev, &vm, "kernel", &what)?),
                    initrd: PathBuf::from(string(ev, &vm, "initrd", &what)?),
                    cmdline,
                    memory_mb,
                }
            };
            list.push((node, start));
        }
        if list.is_empty() {
            return Err(other("the test has no nodes".into()));
        }
        Ok(TestSpec {
            name,
            file: self.file.clone(),
            nodes: list,
            script,
        })
    }
}

fn other(message: String) -> Box<EvalError> {
    EvalError::new(ErrorKind::Other, message, Span::NONE)
}

fn attrs(ev: &mut Evaluator, v: &Value, what: &str) -> EvalResult<std::rc::Rc<Attrs>> {
    match ev.force(v)? {
        Value::Attrs(a) => Ok(a),
        other_value => Err(other(format!(
            "{what} must be an attribute set, not a {}",
            other_value.type_name()
        ))),
    }
}

fn required(set: &Attrs, name: &str, what: &str) -> EvalResult<Value> {
    set.get(Symbol::intern(name))
        .cloned()
        .ok_or_else(|| other(format!("{what} has no attribute `{name}`")))
}

/// A string or a path attribute (paths are used where they are, not copied to a store).
fn string(ev: &mut Evaluator, set: &Attrs, name: &str, what: &str) -> EvalResult<String> {
    let v = required(set, name, what)?;
    match ev.force(&v)? {
        Value::String(s) => Ok(s.text.clone()),
        Value::Path(p) => Ok(p.to_string()),
        other_value => Err(other(format!(
            "{what}.{name} must be a string or a path, not a {}",
            other_value.type_name()
        ))),
    }
}
