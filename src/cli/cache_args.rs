//! Command-line options for binary caches, shared by `build` and `store copy`; they
//! replace the settings of the same names from `$SYSREBUILD_CONFIG`.

use clap::Args;

use crate::cache::settings::CacheSettings;

/// `--substituters`, `--trusted-public-keys`, `--no-check-sigs`.
#[derive(Args, Clone, Debug, Default)]
pub struct CacheArgs {
    /// Binary caches to substitute from: space-separated URLs (http://, https://,
    /// file://); may be repeated. Replaces the `substituters` setting.
    #[arg(long = "substituters", value_name = "URLS")]
    substituters: Vec<String>,
    /// Public keys (NAME:BASE64, space-separated) whose signatures are trusted; may be
    /// repeated. Replaces the `trusted-public-keys` setting.
    #[arg(long = "trusted-public-keys", value_name = "KEYS")]
    trusted_public_keys: Vec<String>,
    /// Accept substituted paths without a trusted signature (`require-sigs = false`).
    #[arg(long = "no-check-sigs")]
    no_check_sigs: bool,
}

impl CacheArgs {
    /// The settings from `$SYSREBUILD_CONFIG` with these options applied.
    pub fn settings(&self) -> Result<CacheSettings, String> {
        let mut s = CacheSettings::from_env().map_err(|e| e.to_string())?;
        let words = |v: &[String]| -> Vec<String> {
            v.iter()
                .flat_map(|s| s.split_whitespace())
                .map(str::to_owned)
                .collect()
        };
        if !self.substituters.is_empty() {
            s.substituters = words(&self.substituters);
        }
        if !self.trusted_public_keys.is_empty() {
            s.trusted_public_keys = words(&self.trusted_public_keys);
        }
        if self.no_check_sigs {
            s.require_sigs = false;
        }
        Ok(s)
    }
}
