//! `store generate-key NAME SECRET PUBLIC`: a new ed25519 key pair for signing binary
//! caches, in the files `nix-store --generate-binary-cache-key` writes.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{CmdResult, StoreCmdError};
use crate::cache::keys::SecretKey;

/// Options of `store generate-key`.
#[derive(Args)]
pub struct GenerateKeyCommand {
    /// The key's name, conventionally the cache's host name and a number
    /// (`cache.example.org-1`).
    #[arg(value_name = "NAME")]
    name: String,
    /// Where to write the secret key (created with mode 0600; must not exist).
    #[arg(value_name = "SECRET")]
    secret: PathBuf,
    /// Where to write the public key (for trusted-public-keys).
    #[arg(value_name = "PUBLIC")]
    public: PathBuf,
}

impl GenerateKeyCommand {
    /// Generates the key pair and writes both files.
    pub fn run(self) -> CmdResult {
        let key =
            SecretKey::generate(&self.name).map_err(|e| StoreCmdError::Message(e.to_string()))?;
        write_new(&self.secret, &key.to_text(), 0o600)?;
        write_new(&self.public, &key.public_key().to_text(), 0o644)
    }
}

fn write_new(path: &Path, text: &str, mode: u32) -> CmdResult {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| {
            let reason = crate::build::error::describe(&e);
            StoreCmdError::Message(format!("writing '{}': {reason}", path.display()))
        })
}
