//! The `sysrebuild` command.

fn main() {
    std::process::exit(sysrebuild::cli::main());
}
