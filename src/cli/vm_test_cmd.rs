//! `sysrebuild vm-test FILE`: evaluate a test declaration (`{ name; nodes; testScript; }`)
//! and run it with the VM driver.
//!
//! Nodes are started through the build-vm contract: a node given as a configuration
//! (`nodes.<n> = { config… }`) is built with the test instrumentation into a
//! `run-<host>-vm` script (`vm_test_build.rs`); `nodes.<n>.vm.runScript` names such a
//! script, or `nodes.<n>.vm = { kernel; initrd; cmdline ? ""; memorySize ? 256; }` boots a
//! kernel directly (see vm-tests/README.md).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::eval_args::{EvalArgs, auto_call, current_dir};
use super::vm_test_build::{NodeBuild, build_node_vm};
use crate::eval::Evaluator;
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attrs, Value};
use crate::vmtest::driver::{RunOptions, TestSpec, run, script_start_line};
use crate::vmtest::kvm_probe::{PROBE_TIMEOUT, choose_accel_cached};
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
    /// QEMU's accelerator: `auto` uses KVM only when a tiny probe guest boots with it
    /// within 10 s (some hosts have a `/dev/kvm` on which guests hang), TCG otherwise.
    #[arg(long, value_enum, default_value_t = AccelArg::Auto)]
    accel: AccelArg,
    /// Where screenshots, copied files, serial logs and VM state go (default: a new
    /// directory under $TMPDIR, kept after the test).
    #[arg(long = "out", value_name = "DIR")]
    out: Option<PathBuf>,
    /// The store nodes given as configurations are built in (DIR/nix/store). Defaults to
    /// $SYSREBUILD_STORE, else the real /nix/store.
    #[arg(long = "store", value_name = "DIR")]
    store: Option<PathBuf>,
    #[command(flatten)]
    eval: EvalArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum AccelArg {
    Auto,
    Tcg,
    Kvm,
}

impl VmTestCommand {
    /// Runs the command; returns the exit status.
    pub fn run(self) -> i32 {
        let mut ev = Evaluator::new(self.eval.settings());
        let loaded = match self.load(&mut ev) {
            Ok(loaded) => loaded,
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
                loaded.spec.name,
                std::process::id()
            ))
        });
        let spec = match self.prepare(loaded, &out_dir) {
            Ok(spec) => spec,
            Err(message) => {
                eprintln!("error: {message}");
                return 1;
            }
        };
        let options = RunOptions {
            timeout: Duration::from_secs(self.timeout),
            accel: match self.accel {
                AccelArg::Auto => {
                    let probe = choose_accel_cached(&out_dir.join("kvm-probe"), PROBE_TIMEOUT);
                    let name = match probe.accel {
                        Accel::Kvm => "kvm",
                        Accel::Tcg => "tcg",
                    };
                    eprintln!("vm-test: accelerator {name} ({})", probe.reason);
                    probe.accel
                }
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

    /// Builds the VMs of the nodes given as configurations and completes the test.
    fn prepare(&self, loaded: LoadedTest, out_dir: &Path) -> Result<TestSpec, String> {
        let LoadedTest {
            mut spec,
            path,
            nodes,
        } = loaded;
        let mut eval_options = Vec::new();
        for pair in self.eval.arg.chunks(2) {
            eval_options.extend(["--arg".to_owned(), pair[0].clone(), pair[1].clone()]);
        }
        for pair in self.eval.argstr.chunks(2) {
            eval_options.extend(["--argstr".to_owned(), pair[0].clone(), pair[1].clone()]);
        }
        for include in &self.eval.include {
            eval_options.extend(["-I".to_owned(), include.clone()]);
        }
        let settings = self.eval.settings();
        for (node, start) in nodes {
            let start = match start {
                Some(start) => start,
                None => {
                    let store = self
                        .store
                        .clone()
                        .or_else(|| std::env::var_os("SYSREBUILD_STORE").map(PathBuf::from))
                        .filter(|s| !s.as_os_str().is_empty())
                        .unwrap_or_else(|| PathBuf::from("/"));
                    let out_link = out_dir.join("vm-state").join(&node).join("vm");
                    let build = NodeBuild {
                        test_file: &path,
                        node: &node,
                        store: &absolute_path(&store),
                        out_link: &out_link,
                        eval_options: &eval_options,
                    };
                    NodeStart::Script(build_node_vm(&build, &settings)?)
                }
            };
            spec.nodes.push((node, start));
        }
        Ok(spec)
    }

    fn load(&self, ev: &mut Evaluator) -> EvalResult<LoadedTest> {
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
            let vm = match ev.force(&attr.value)? {
                Value::Attrs(def) => def.get(Symbol::intern("vm")).cloned(),
                _ => None,
            };
            let Some(vm) = vm else {
                list.push((node, None));
                continue;
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
            list.push((node, Some(start)));
        }
        if list.is_empty() {
            return Err(other("the test has no nodes".into()));
        }
        let script_start = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| script_start_line(&text, &script));
        Ok(LoadedTest {
            spec: TestSpec {
                name,
                file: self.file.clone(),
                nodes: Vec::new(),
                script,
                script_start,
            },
            path: PathBuf::from(path),
            nodes: list,
        })
    }
}

/// A test as evaluated: its nodes either started directly (`nodes.<n>.vm`) or still to
/// be built from their configuration (`None`).
struct LoadedTest {
    spec: TestSpec,
    path: PathBuf,
    nodes: Vec<(String, Option<NodeStart>)>,
}

fn absolute_path(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_owned()
    } else {
        PathBuf::from(current_dir()).join(p)
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
