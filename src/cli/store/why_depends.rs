//! `store why-depends A B`: the chain of references through which A depends on B, with
//! the file in each step that holds the reference.

use clap::Args;

use super::{CmdResult, StoreCmdError, StoreOpts, print_lines, valid_paths};

/// Options of `store why-depends`.
#[derive(Args)]
pub struct WhyDependsCommand {
    /// The path that depends on the other.
    #[arg(value_name = "PACKAGE")]
    package: String,
    /// The dependency.
    #[arg(value_name = "DEPENDENCY")]
    dependency: String,
}

impl WhyDependsCommand {
    /// Prints the chain, or fails when there is none.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let store = opts.open()?;
        let paths = valid_paths(&store, &[self.package.clone(), self.dependency.clone()])?;
        let (from, to) = (&paths[0], &paths[1]);
        let show = |p| store.store_dir().display(p);
        let Some(chain) = store.dependency_chain(from, to)? else {
            return Err(StoreCmdError::Message(format!(
                "'{}' does not depend on '{}'",
                show(from),
                show(to)
            )));
        };
        let mut lines = vec![show(&chain[0])];
        let mut pad = String::new();
        for pair in chain.windows(2) {
            let (referrer, reference) = (&pair[0], &pair[1]);
            match store.find_reference(referrer, reference)? {
                Some((file, excerpt)) => {
                    lines.push(format!("{pad}└───{file}: {excerpt}"));
                    lines.push(format!("{pad}    → {}", show(reference)));
                }
                None => lines.push(format!("{pad}└───{}", show(reference))),
            }
            pad.push_str("    ");
        }
        print_lines(lines);
        Ok(())
    }
}
