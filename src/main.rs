//! The `sysrebuild` command.

#[cfg_attr(not(feature = "system-alloc"), global_allocator)]
static GLOBAL: sysrebuild::alloc::MiMalloc = sysrebuild::alloc::MiMalloc;

fn main() {
    sysrebuild::alloc::configure();
    std::process::exit(sysrebuild::cli::main());
}
