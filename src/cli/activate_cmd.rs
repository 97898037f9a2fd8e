//! `sysrebuild activate`: make a built system generation the running one (run at boot
//! by stage 2, and by `switch-to-configuration`).

use std::path::PathBuf;

use clap::Args;

use crate::activation::Activation;

/// Activate a system generation.
#[derive(Args)]
pub struct ActivateCommand {
    /// The generation: a `…-sysrebuild-system-…` store path (its `activate` script passes it).
    #[arg(long, value_name = "PATH")]
    system: PathBuf,
    /// The root directory of the system to activate (for installers and tests).
    #[arg(long, value_name = "DIR", default_value = "/")]
    root: PathBuf,
    /// Only print what would change.
    #[arg(long)]
    dry_run: bool,
}

impl ActivateCommand {
    /// Runs the command; returns the exit status.
    pub fn run(self) -> i32 {
        if !self.system.join("users-groups.json").exists() && !self.system.join("etc").exists() {
            eprintln!(
                "error: '{}' is not a sysrebuild system (it has no etc/ and no users-groups.json)",
                self.system.display()
            );
            return 1;
        }
        let activation = Activation {
            system: self.system,
            root: self.root,
            dry_run: self.dry_run,
        };
        let prefix = if activation.dry_run { "would: " } else { "" };
        let failures = activation.run(&mut |line| println!("{prefix}{line}"));
        for (step, error) in &failures {
            eprintln!("error: activating {step}: {error}");
        }
        i32::from(!failures.is_empty())
    }
}
