//! Building the VMs of test nodes given as configurations (`nodes.<n> = { config… }`):
//! each node's configuration, with the test instrumentation
//! (`modules/testing/test-instrumentation.nix`) and its name as default host name, is
//! evaluated by `modules/system.nix` with `vm = true` and its `system.build.vm` built by
//! `sysrebuild build` (the same evaluation and builder as `sysrebuild build-vm`). The result
//! is the node's `run-<host>-vm` script.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::eval::settings::Settings;

/// What is needed to build one node's VM.
pub struct NodeBuild<'a> {
    /// The test file (absolute).
    pub test_file: &'a Path,
    /// The node's name.
    pub node: &'a str,
    /// The store to build in (`DIR/nix/store`).
    pub store: &'a Path,
    /// Where the result link goes.
    pub out_link: &'a Path,
    /// The `--arg`/`--argstr`/`-I` options the test was evaluated with.
    pub eval_options: &'a [String],
}

/// Builds the node's VM; returns its `run-<host>-vm` script.
pub fn build_node_vm(build: &NodeBuild<'_>, settings: &Settings) -> Result<PathBuf, String> {
    for needed in [
        "sysrebuild/modules/system.nix",
        "sysrebuild/modules/virtualisation/qemu-vm.nix",
        "sysrebuild/modules/testing/test-instrumentation.nix",
    ] {
        if settings.resolve_search_path(needed).is_none() {
            return Err(format!(
                "nodes.{}: a node given as a configuration is built with build-vm, which needs \
                 <{needed}> (not found)",
                build.node
            ));
        }
    }
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find the sysrebuild executable: {e}"))?;
    if let Some(parent) = build.out_link.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    eprintln!("vm-test: building the VM of node {}", build.node);
    let status = Command::new(exe)
        .arg("build")
        .arg("--store")
        .arg(build.store)
        .arg("-o")
        .arg(build.out_link)
        .args(["-E", &node_vm_expression(build.test_file, build.node)])
        .args(build.eval_options)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run sysrebuild build: {e}"))?;
    if !status.success() {
        return Err(format!(
            "nodes.{}: building the node's VM failed (see the messages above)",
            build.node
        ));
    }
    run_script(build.out_link).ok_or_else(|| {
        format!(
            "nodes.{}: the built VM {} has no bin/run-*-vm script",
            build.node,
            build.out_link.display()
        )
    })
}

/// The expression whose value is the node's `system.build.vm`. It is a function of the
/// `--arg` values, which it hands to the test file when that is a function.
pub fn node_vm_expression(test_file: &Path, node: &str) -> String {
    let file = nix_string(&test_file.display().to_string());
    let node = nix_string(node);
    format!(
        r#"{{ ... }}@args:
let
  file = import {file};
  test = if builtins.isFunction file
    then file (builtins.intersectAttrs (builtins.functionArgs file) args)
    else file;
in
(import <sysrebuild/modules/system.nix> {{
  configuration = {{ lib, ... }}: {{
    imports = [
      test.nodes.${{{node}}}
      <sysrebuild/modules/testing/test-instrumentation.nix>
    ];
    networking.hostName = lib.mkDefault {node};
  }};
  vm = true;
}}).vm
"#
    )
}

/// `s` as a Nix string literal.
fn nix_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    crate::eval::print::write_nix_string(&mut out, s);
    out
}

/// The single `bin/run-*-vm` of a built VM.
fn run_script(vm: &Path) -> Option<PathBuf> {
    let mut scripts = std::fs::read_dir(vm.join("bin"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("run-") && n.ends_with("-vm"))
        });
    let first = scripts.next()?;
    scripts.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names_and_paths_are_quoted() {
        assert_eq!(nix_string(r#"a"b\c${d}$e"#), r#""a\"b\\c\${d}$e""#);
        let e = node_vm_expression(Path::new("/t/my test.nix"), "web");
        assert!(e.contains(r#"import "/t/my test.nix""#), "{e}");
        assert!(e.contains(r#"test.nodes.${"web"}"#), "{e}");
        assert!(
            e.contains(r#"networking.hostName = lib.mkDefault "web";"#),
            "{e}"
        );
    }
}
