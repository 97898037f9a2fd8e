//! The `sysrebuild` command.

#[global_allocator]
static GLOBAL: sysrebuild::alloc::MiMalloc = sysrebuild::alloc::MiMalloc;

fn main() {
    std::process::exit(sysrebuild::cli::main());
}
