//! The `sysrebuild` command.

/// Evaluation allocates and frees many small objects (thunks, environments); mimalloc's
/// free lists make that several times cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(sysrebuild::cli::main());
}
