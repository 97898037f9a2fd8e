//! The command-line interface: argument parsing (clap) and dispatch to subcommands.
//!
//! User errors print `error: …` and exit with status 1; no panic or backtrace reaches users
//! (a bug still prints a one-line internal error).

mod activate_cmd;
pub(crate) mod build_cmd;
mod cache_args;
mod eval_args;
mod eval_cmd;
mod instantiate_cmd;
mod options_cmd;
mod options_doc;
mod pkgs_cmd;
mod store;
mod system_cmd;
mod vm_test_build;
mod vm_test_cmd;

use clap::{Parser, Subcommand};

/// sysrebuild: build and run NixOS-style systems described in the Nix language.
#[derive(Parser)]
#[command(name = "sysrebuild", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a Nix expression and print the result (like `nix-instantiate --eval`).
    Eval(eval_cmd::EvalCommand),
    /// Write the store derivations (.drv files) of a Nix file to a store and print their
    /// paths (like `nix-instantiate --store DIR`).
    ///
    /// The value of FILE (after `-A` selection and auto-calling with `--arg`/`--argstr`)
    /// must be a derivation, a list of derivations, or a set whose attributes are
    /// derivations (nested sets with `recurseForDerivations = true` are searched too).
    /// Sources and `builtins.toFile` texts the derivations use are written as well. A
    /// derivation selected through an output other than `out` prints as `DRV!OUTPUT`.
    ///
    /// Example: sysrebuild instantiate release.nix -A hello --store /tmp/store
    Instantiate(instantiate_cmd::InstantiateCommand),
    /// Evaluate, instantiate and build derivations (like `nix-build --store DIR`), or
    /// with `-f CONFIGURATION` the system a configuration describes.
    ///
    /// Prints the output paths, one per line, and makes a `result` symlink to each
    /// (`result-OUTPUT` for outputs other than `out`; `-o LINK` renames them), registered
    /// as a GC root. Builds run in a namespace sandbox seeing only their inputs; host
    /// paths a builder needs (a shell) are added with `--sandbox-path TARGET=SOURCE`.
    /// Logs go to DIR/nix/var/nix/log/drvs.
    ///
    /// Example: sysrebuild build release.nix -A hello --store /tmp/store
    ///   --sandbox-path /bin/sh=/bin/busybox
    Build(build_cmd::BuildCommand),
    /// Show what building a configuration would build and fetch, without building.
    ///
    /// Evaluates the configuration (`-f FILE`, default ./configuration.nix) with the
    /// module library, prints its warnings, refuses it listing every failed assertion,
    /// then lists the derivations to build and the packages to fetch.
    ///
    /// Example: sysrebuild dry-build -f examples/server.nix --store /tmp/store
    DryBuild(build_cmd::BuildCommand),
    /// Build a script that runs the configuration in a QEMU virtual machine:
    /// `result/bin/run-<hostName>-vm`.
    ///
    /// The VM's options are `virtualisation.*` (memorySize, cores, diskSize,
    /// forwardPorts); see vm-tests/README.md for what the script honours
    /// ($NIX_DISK_IMAGE, $QEMU_OPTS, $QEMU_KERNEL_PARAMS).
    ///
    /// Example: sysrebuild build-vm -f examples/server.nix --store /tmp/store &&
    ///   ./result/bin/run-web-vm
    BuildVm(build_cmd::BuildCommand),
    /// List the options of a configuration (type, default, example, description,
    /// declaring file), or show one option's value and definitions.
    ///
    /// CONFIG (`-f`) is a file evaluating to `lib.evalModules { … }`, or a module.
    ///
    /// Examples: sysrebuild options -f config.nix networking;
    /// sysrebuild options show networking.hostName -f config.nix
    Options(options_cmd::OptionsCommand),
    /// Inspect and maintain a Nix-compatible store (like `nix-store`): add, dump, restore,
    /// path-info, query, why-depends, verify, optimise, gc, delete, log.
    ///
    /// Example: sysrebuild store --store /tmp/store path-info -S result
    Store(store::StoreCommand),
    /// Make a built system generation the running one: /usr, users and groups, /etc,
    /// privileged wrappers, activation snippets, /run/current-system.
    ///
    /// Run by a generation's `activate` script at boot and on switch; `--root DIR`
    /// activates a system mounted at DIR (installers, tests).
    ///
    /// Example: sysrebuild activate --system /nix/store/…-sysrebuild-system-web-0.1.0
    Activate(activate_cmd::ActivateCommand),
    /// The pinned Debian package universe: update the lock file, search and show packages.
    ///
    /// `update` reads each `[[source]]` of sysrebuild.lock (apt's lists or a mirror),
    /// imports the index into the store and records its path and hash.
    ///
    /// Examples: sysrebuild pkgs update --store /tmp/store; sysrebuild pkgs search nginx;
    /// sysrebuild pkgs show --closure openssh-server
    Pkgs(pkgs_cmd::PkgsCommand),
    /// Run a VM test: boot its nodes in QEMU on a private network and run its script.
    ///
    /// FILE evaluates to `{ name; nodes.<node> = { configuration… }; testScript; }`: each
    /// node's configuration is built into a VM in the store (`--store`, which needs
    /// ./sysrebuild.lock as `build` does). A node may instead give its VM directly
    /// (`nodes.<node>.vm = { kernel; initrd; cmdline; }` or `{ runScript; }`). Each failing
    /// step reports the command, its output and the end of every node's serial log. See
    /// vm-tests/README.md.
    ///
    /// Example: sysrebuild vm-test vm-tests/boot.nix --timeout 600
    VmTest(vm_test_cmd::VmTestCommand),
}

/// Runs the CLI and returns the process exit status.
pub fn main() -> i32 {
    install_panic_hook();
    // The sandbox helper must stay single-threaded: dispatch before anything else.
    let mut raw_args = std::env::args_os().skip(1);
    match raw_args.next() {
        Some(a) if a == "__sandbox" => {
            let spec = raw_args.next().map(|s| s.to_string_lossy().into_owned());
            return crate::build::sandbox::helper_main(spec.as_deref().unwrap_or(""));
        }
        Some(a) if a == "__guard" => return crate::build::guard::guard_main(raw_args),
        _ => {}
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
        }
    };
    // Evaluation recurses on the native stack (grown on demand); a large main stack keeps
    // deep parse trees and deep value drops safe too.
    let joined = run_on_large_stack(cli);
    // The temporary roots die with the process (a killed process's file is removed by
    // the next collection).
    crate::store::local::temproots::remove_own_files();
    match joined {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => 101,
        Err(e) => {
            eprintln!("error: cannot start the evaluator thread: {e}");
            1
        }
    }
}

/// Runs the command on a thread with a 1 GiB stack, or 64 MiB where the kernel refuses to
/// reserve that much (a small VM without overcommit: activation at boot).
fn run_on_large_stack(cli: Cli) -> std::io::Result<std::thread::Result<i32>> {
    let cli = std::sync::Arc::new(std::sync::Mutex::new(Some(cli)));
    let mut last_error = None;
    for stack in [1usize << 30, 64 << 20] {
        let mine = std::sync::Arc::clone(&cli);
        let spawned = std::thread::Builder::new()
            .name("sysrebuild".into())
            .stack_size(stack)
            .spawn(move || {
                let taken = mine.lock().ok().and_then(|mut c| c.take());
                taken.map_or(1, run)
            });
        match spawned {
            Ok(handle) => return Ok(handle.join()),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no stack size to try")))
}

fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Eval(cmd) => cmd.run(),
        Command::Instantiate(cmd) => cmd.run(),
        Command::Build(cmd) => cmd.run(),
        Command::DryBuild(cmd) => cmd.run_system(system_cmd::SystemTarget::Toplevel, true),
        Command::BuildVm(cmd) => cmd.run_system(system_cmd::SystemTarget::Vm, false),
        Command::Options(cmd) => cmd.run(),
        Command::Store(cmd) => cmd.run(),
        Command::Activate(cmd) => cmd.run(),
        Command::Pkgs(cmd) => cmd.run(),
        Command::VmTest(cmd) => cmd.run(),
    }
}

/// Lets go of an evaluator that is no longer needed without dropping its values (they
/// may form cycles and deep chains, and the process exits soon), after closing its store
/// so that the database's write-ahead log is checkpointed.
pub(crate) fn discard_evaluator(mut ev: crate::eval::machine::Evaluator) {
    ev.builtin_state.store.close_store();
    std::mem::forget(ev);
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".to_owned());
        let loc = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error in sysrebuild: {msg}{loc}\n(this is a bug; please report it)"
        );
    }));
}
