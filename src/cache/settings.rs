//! The settings that govern binary caches, named as Nix names them: `substituters`,
//! `trusted-public-keys` (each with an `extra-` form that adds to it) and `require-sigs`.
//!
//! They come from `$SYSREBUILD_CONFIG` (text in `nix.conf` syntax: `name = value` lines,
//! `#` comments; other settings are ignored), then from the command line, which replaces
//! a setting it gives.

use super::keys::{KeyError, TrustedKeys};
use super::substitute::SignaturePolicy;

/// The environment variable holding settings in `nix.conf` syntax.
pub const CONFIG_ENV: &str = "SYSREBUILD_CONFIG";

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A line that is not `name = value`, or a bad value.
    #[error("{whence}:{line}: {message}")]
    Syntax {
        /// Where the text came from.
        whence: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A malformed trusted public key.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Binary cache settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSettings {
    /// Cache URLs to substitute from, in the order given.
    pub substituters: Vec<String>,
    /// Public keys (`NAME:BASE64`) whose signatures are trusted.
    pub trusted_public_keys: Vec<String>,
    /// Whether substituted paths need a trusted signature.
    pub require_sigs: bool,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            substituters: Vec::new(),
            trusted_public_keys: Vec::new(),
            require_sigs: true,
        }
    }
}

impl CacheSettings {
    /// The defaults overridden by `$SYSREBUILD_CONFIG`.
    pub fn from_env() -> Result<CacheSettings, SettingsError> {
        let mut settings = CacheSettings::default();
        if let Ok(text) = std::env::var(CONFIG_ENV) {
            settings.apply_config(&text, CONFIG_ENV)?;
        }
        Ok(settings)
    }

    /// Applies `nix.conf`-style `text` (from `whence`).
    pub fn apply_config(&mut self, text: &str, whence: &str) -> Result<(), SettingsError> {
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let fail = |message: String| SettingsError::Syntax {
                whence: whence.to_owned(),
                line: i + 1,
                message,
            };
            let Some((name, value)) = line.split_once('=') else {
                return Err(fail(format!("expected 'name = value', found '{line}'")));
            };
            let words = || value.split_whitespace().map(str::to_owned);
            match name.trim() {
                "substituters" => self.substituters = words().collect(),
                "extra-substituters" => self.substituters.extend(words()),
                "trusted-public-keys" => self.trusted_public_keys = words().collect(),
                "extra-trusted-public-keys" => self.trusted_public_keys.extend(words()),
                "require-sigs" => {
                    self.require_sigs = match value.trim() {
                        "true" => true,
                        "false" => false,
                        other => {
                            return Err(fail(format!(
                                "require-sigs must be true or false, not '{other}'"
                            )));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The signature policy these settings describe.
    pub fn signature_policy(&self) -> Result<SignaturePolicy, SettingsError> {
        Ok(SignaturePolicy {
            trusted: TrustedKeys::parse_list(&self.trusted_public_keys.join(" "))?,
            require_sigs: self.require_sigs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_conf_lines_set_and_extend() {
        let mut s = CacheSettings::default();
        s.apply_config(
            "# comment\nsubstituters = file:///a  http://b\nextra-substituters = file:///c\n\
             require-sigs = false\nkeep-outputs = true\n",
            "conf",
        )
        .expect("parses");
        assert_eq!(s.substituters, ["file:///a", "http://b", "file:///c"]);
        assert!(!s.require_sigs);
        let e = s
            .apply_config("\nrequire-sigs = maybe", "conf")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "conf:2: require-sigs must be true or false, not 'maybe'"
        );
        assert!(s.apply_config("substituters", "conf").is_err());
    }
}
