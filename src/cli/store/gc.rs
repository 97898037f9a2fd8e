//! `store gc` and `store delete`: garbage collection and deleting chosen paths.

use clap::Args;

use super::{CmdResult, StoreCmdError, StoreOpts, mib, parse_paths, print_lines};
use crate::store::local::gc::GcAction;

/// Options of `store gc`.
#[derive(Args)]
pub struct GcCommand {
    /// Only print the paths that would be deleted.
    #[arg(long, conflicts_with = "print_roots")]
    print_dead: bool,
    /// Only print the GC roots, as `LINK -> PATH`.
    #[arg(long)]
    print_roots: bool,
    /// Stop after freeing at least this many bytes (suffixes K, M, G allowed).
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    max_freed: Option<u64>,
}

impl GcCommand {
    /// Collects garbage (or prints roots or dead paths).
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let mut store = opts.open()?;
        if self.print_roots {
            let mut lines = Vec::new();
            for (target, links) in store.all_roots()? {
                for l in links {
                    lines.push(format!("{l} -> {}", store.store_dir().display(&target)));
                }
            }
            lines.sort();
            print_lines(lines);
            return Ok(());
        }
        let action = if self.print_dead {
            GcAction::PrintDead
        } else {
            GcAction::DeleteDead {
                max_freed: self.max_freed,
            }
        };
        let result = store.collect_garbage(&action)?;
        if self.print_dead {
            print_lines(result.paths.iter().map(|p| store.store_dir().display(p)));
        } else {
            print_lines([format!(
                "{} store paths deleted, {} freed",
                result.paths.len(),
                mib(result.bytes_freed)
            )]);
        }
        Ok(())
    }
}

/// Options of `store delete`.
#[derive(Args)]
pub struct DeleteCommand {
    /// The store paths to delete; each must be unreachable from every GC root.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<String>,
}

impl DeleteCommand {
    /// Deletes the paths, or refuses (deleting nothing) if one of them is alive.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let mut store = opts.open()?;
        let paths = parse_paths(&store, &self.paths)?;
        let result = store.collect_garbage(&GcAction::DeleteSpecific(paths))?;
        print_lines([format!(
            "{} store paths deleted, {} freed",
            result.paths.len(),
            mib(result.bytes_freed)
        )]);
        Ok(())
    }
}

/// Parses `123`, `10K`, `5M`, `2G` (powers of 1024).
fn parse_bytes(s: &str) -> Result<u64, StoreCmdError> {
    let (digits, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&s[..i], c.to_ascii_uppercase()),
        _ => (s, ' '),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| StoreCmdError::Message(format!("invalid byte count '{s}'")))?;
    let factor: u64 = match unit {
        ' ' => 1,
        'K' => 1 << 10,
        'M' => 1 << 20,
        'G' => 1 << 30,
        _ => {
            return Err(StoreCmdError::Message(format!(
                "invalid unit in byte count '{s}'"
            )));
        }
    };
    n.checked_mul(factor)
        .ok_or_else(|| StoreCmdError::Message(format!("byte count '{s}' is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_byte_counts() {
        assert_eq!(parse_bytes("100").expect("n"), 100);
        assert_eq!(parse_bytes("2K").expect("n"), 2048);
        assert_eq!(parse_bytes("1m").expect("n"), 1 << 20);
        assert!(parse_bytes("x").is_err());
        assert!(parse_bytes("5Q").is_err());
    }
}
