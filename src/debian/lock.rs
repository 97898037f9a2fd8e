//! `sysrebuild.lock`: the pinned package universe, in TOML.
//!
//! One `[[source]]` table per index. Users write `from`, `suite`, `component` and
//! `architecture`; `sysrebuild pkgs update` fills in the rest (the index's store path, its
//! hash, the upstream hash, the date). The file is edited with `toml_edit`, so comments,
//! order and formatting the user wrote survive updates.
//!
//! ```toml
//! version = 1
//!
//! [[source]]
//! from = "apt"            # apt's lists, or a mirror URL such as "https://deb.debian.org/debian"
//! suite = "bookworm"
//! component = "main"
//! architecture = "amd64"
//! path = "/nix/store/…-debian-bookworm-main-amd64-Packages"
//! sha256 = "…"            # of the store path's contents (a flat fixed-output path)
//! upstream-sha256 = "…"   # of the upstream Packages file, as InRelease lists it
//! ```

use super::source::Selector;
use std::path::{Path, PathBuf};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

/// The lock file's format version.
pub const LOCK_VERSION: i64 = 1;

/// A lock file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Reading or writing failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not TOML.
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    /// TOML, but not a lock file.
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// One `[[source]]` table as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedSource {
    /// `apt` or a mirror URL.
    pub from: String,
    /// Suite, component and architecture.
    pub selector: Selector,
    /// The mirror packages are downloaded from, when known.
    pub mirror: Option<String>,
    /// The index's store path, once locked.
    pub path: Option<String>,
    /// The SHA-256 (hex) of the store path's contents, once locked.
    pub sha256: Option<String>,
    /// The upstream `Packages` file's SHA-256 (hex), once locked.
    pub upstream_sha256: Option<String>,
}

/// What an update records about one source.
pub struct LockUpdate<'a> {
    /// The mirror, if known.
    pub mirror: Option<&'a str>,
    /// The store path of the index.
    pub path: &'a str,
    /// Its SHA-256, hex.
    pub sha256: &'a str,
    /// The upstream file's SHA-256, hex.
    pub upstream_sha256: &'a str,
    /// Whether the upstream hash was checked against InRelease.
    pub verified: bool,
    /// The suite's date.
    pub date: Option<&'a str>,
    /// How many packages the index has.
    pub packages: usize,
}

/// An open lock file.
pub struct LockFile {
    path: PathBuf,
    doc: DocumentMut,
}

impl LockFile {
    /// Reads the lock file at `path`.
    pub fn load(path: &Path) -> Result<LockFile, LockError> {
        let text = std::fs::read_to_string(path).map_err(|source| LockError::Io {
            action: "read",
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parses lock-file text (named `path` in errors).
    pub fn parse(path: &Path, text: &str) -> Result<LockFile, LockError> {
        let doc: DocumentMut =
            text.parse()
                .map_err(|e: toml_edit::TomlError| LockError::Syntax {
                    path: path.to_owned(),
                    message: e.to_string().trim_end().to_owned(),
                })?;
        let lock = LockFile {
            path: path.to_owned(),
            doc,
        };
        lock.sources()?;
        Ok(lock)
    }

    /// A new lock file with one source.
    pub fn new(path: &Path, from: &str, selector: &Selector) -> LockFile {
        let mut doc = DocumentMut::new();
        doc.decor_mut().set_prefix(
            "# sysrebuild.lock: the pinned Debian package universe.\n# Add or edit [[source]] tables (from, suite, component, architecture);\n# `sysrebuild pkgs update` fills in the rest.\n",
        );
        doc["version"] = value(LOCK_VERSION);
        let mut table = Table::new();
        table["from"] = value(from);
        table["suite"] = value(selector.suite.as_str());
        table["component"] = value(selector.component.as_str());
        table["architecture"] = value(selector.architecture.as_str());
        let mut array = ArrayOfTables::new();
        array.push(table);
        doc["source"] = Item::ArrayOfTables(array);
        LockFile {
            path: path.to_owned(),
            doc,
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn invalid(&self, message: String) -> LockError {
        LockError::Invalid {
            path: self.path.clone(),
            message,
        }
    }

    /// Every source, in file order.
    pub fn sources(&self) -> Result<Vec<LockedSource>, LockError> {
        if let Some(v) = self.doc.get("version")
            && v.as_integer() != Some(LOCK_VERSION)
        {
            return Err(self.invalid(format!(
                "unsupported lock version {v}; this sysrebuild reads version {LOCK_VERSION}"
            )));
        }
        let Some(array) = self.doc.get("source").and_then(Item::as_array_of_tables) else {
            return Err(self.invalid("no [[source]] table".to_owned()));
        };
        array
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let get = |k: &str| t.get(k).and_then(Item::as_str).map(str::to_owned);
                let need = |k: &str| {
                    get(k).ok_or_else(|| {
                        self.invalid(format!("source {} has no string `{k}`", i + 1))
                    })
                };
                Ok(LockedSource {
                    from: get("from").unwrap_or_else(|| "apt".to_owned()),
                    selector: Selector {
                        suite: need("suite")?,
                        component: get("component").unwrap_or_else(|| "main".to_owned()),
                        architecture: need("architecture")?,
                    },
                    mirror: get("mirror"),
                    path: get("path"),
                    sha256: get("sha256"),
                    upstream_sha256: get("upstream-sha256"),
                })
            })
            .collect()
    }

    /// Records an update of source number `i` (from 0), keeping the table's other keys,
    /// comments and order.
    pub fn record(&mut self, i: usize, u: &LockUpdate<'_>) -> Result<(), LockError> {
        let path = self.path.clone();
        let table = self
            .doc
            .get_mut("source")
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|a| a.get_mut(i))
            .ok_or_else(|| LockError::Invalid {
                path,
                message: format!("no source number {}", i + 1),
            })?;
        let mut set = |k: &str, v: toml_edit::Value| match table.get_mut(k) {
            Some(Item::Value(old)) => {
                // Keep the comment and spacing around the old value.
                let decor = old.decor().clone();
                *old = v;
                *old.decor_mut() = decor;
            }
            _ => table[k] = Item::Value(v),
        };
        if let Some(m) = u.mirror {
            set("mirror", m.into());
        }
        set("path", u.path.into());
        set("sha256", u.sha256.into());
        set("upstream-sha256", u.upstream_sha256.into());
        set("verified", u.verified.into());
        if let Some(d) = u.date {
            set("date", d.into());
        }
        set("packages", (u.packages as i64).into());
        Ok(())
    }

    /// The text of the file.
    pub fn to_text(&self) -> String {
        self.doc.to_string()
    }

    /// Writes the file (whole, then renamed into place).
    pub fn save(&self) -> Result<(), LockError> {
        let tmp = self.path.with_extension("lock.tmp");
        let io = |action, source| LockError::Io {
            action,
            path: self.path.clone(),
            source,
        };
        std::fs::write(&tmp, self.to_text()).map_err(|e| io("write", e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| io("write", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# my comment at the top\nversion = 1\n\n[[source]]\n# the main archive\nfrom = \"apt\"\nsuite = \"bookworm\" # pinned suite\narchitecture = \"amd64\"\npath = \"/nix/store/old\" # the path\n";

    #[test]
    fn reads_sources_with_defaults() {
        let lock = LockFile::parse(Path::new("l"), TEXT).expect("parses");
        let s = &lock.sources().expect("sources")[0];
        assert_eq!(s.selector.component, "main");
        assert_eq!(s.path.as_deref(), Some("/nix/store/old"));
        assert_eq!(s.sha256, None);
    }

    #[test]
    fn updates_keep_comments_and_order() {
        let mut lock = LockFile::parse(Path::new("l"), TEXT).expect("parses");
        lock.record(
            0,
            &LockUpdate {
                mirror: None,
                path: "/nix/store/new",
                sha256: "ab",
                upstream_sha256: "cd",
                verified: true,
                date: None,
                packages: 3,
            },
        )
        .expect("records");
        let text = lock.to_text();
        assert!(text.starts_with("# my comment at the top\nversion = 1\n"));
        assert!(text.contains("# the main archive\nfrom = \"apt\"\n"));
        assert!(text.contains("suite = \"bookworm\" # pinned suite\n"));
        assert!(text.contains("path = \"/nix/store/new\" # the path\n"));
        assert!(text.contains("sha256 = \"ab\"\n"));
        let again = LockFile::parse(Path::new("l"), &text).expect("reparses");
        assert_eq!(
            again.sources().expect("s")[0].upstream_sha256.as_deref(),
            Some("cd")
        );
    }

    #[test]
    fn rejects_what_is_not_a_lock() {
        assert!(
            LockFile::parse(
                Path::new("l"),
                "version = 2\n[[source]]\nsuite=\"x\"\narchitecture=\"y\"\n"
            )
            .is_err()
        );
        assert!(LockFile::parse(Path::new("l"), "x = \n").is_err());
        let err = LockFile::parse(Path::new("l"), "version = 1\n[[source]]\nfrom = \"apt\"\n")
            .err()
            .expect("error");
        assert!(
            err.to_string().contains("source 1 has no string `suite`"),
            "{err}"
        );
    }
}
