//! The `sysrebuild` command.

#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: sysrebuild::alloc::MiMalloc = sysrebuild::alloc::MiMalloc;

fn main() {
    sysrebuild::alloc::configure();
    std::process::exit(sysrebuild::cli::main());
}
