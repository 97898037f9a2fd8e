//! A directory pinned to the Debian archive this machine's apt lists describe:
//! `sysrebuild pkgs update --store store --suite bookworm` run in a new temporary
//! directory, which then holds `sysrebuild.lock` and the relocated store `store/`.

use std::process::Command;

/// Runs `pkgs update` with the sysrebuild binary `bin` in a new temporary directory.
pub fn pinned_dir(bin: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let update = Command::new(bin)
        .args(["pkgs", "update", "--store", "store", "--suite", "bookworm"])
        .current_dir(dir.path())
        .output()
        .expect("run sysrebuild pkgs update");
    assert!(
        update.status.success(),
        "sysrebuild pkgs update failed:\n{}",
        String::from_utf8_lossy(&update.stderr)
    );
    dir
}
