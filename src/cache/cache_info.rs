//! `nix-cache-info`: the file at the root of a binary cache that says which store
//! directory its paths belong to and how eagerly to use it.

use std::fmt::Write;

/// The contents of `nix-cache-info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheInfo {
    /// The store directory of the cached paths (`/nix/store`).
    pub store_dir: String,
    /// Whether the cache may be queried for many paths at once.
    pub want_mass_query: bool,
    /// Lower numbers are preferred (Nix's default is 50).
    pub priority: u32,
}

/// The priority of a cache that does not give one.
pub const DEFAULT_PRIORITY: u32 = 50;

impl CacheInfo {
    /// The info of a new cache for `store_dir`.
    pub fn new(store_dir: &str) -> CacheInfo {
        CacheInfo {
            store_dir: store_dir.to_owned(),
            want_mass_query: false,
            priority: DEFAULT_PRIORITY,
        }
    }

    /// Parses the file's text; unknown keys are ignored. `Err` names the line.
    pub fn parse(text: &str) -> Result<CacheInfo, String> {
        let mut info = CacheInfo::new("");
        let mut store_dir = None;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(format!("line {}: expected 'Key: value'", i + 1));
            };
            let value = value.trim();
            match key.trim() {
                "StoreDir" => store_dir = Some(value.to_owned()),
                "WantMassQuery" => info.want_mass_query = value == "1",
                "Priority" => {
                    info.priority = value
                        .parse()
                        .map_err(|_| format!("line {}: bad Priority '{value}'", i + 1))?
                }
                _ => {}
            }
        }
        info.store_dir = store_dir.ok_or("the field 'StoreDir' is missing")?;
        Ok(info)
    }

    /// The text form.
    pub fn to_text(&self) -> String {
        let mut s = format!("StoreDir: {}\n", self.store_dir);
        let _ = writeln!(s, "WantMassQuery: {}", u8::from(self.want_mass_query));
        let _ = writeln!(s, "Priority: {}", self.priority);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_defaults() {
        let info = CacheInfo::parse("StoreDir: /nix/store\n").expect("parses");
        assert_eq!(info.priority, DEFAULT_PRIORITY);
        assert!(!info.want_mass_query);
        let full = CacheInfo {
            store_dir: "/nix/store".into(),
            want_mass_query: true,
            priority: 30,
        };
        assert_eq!(CacheInfo::parse(&full.to_text()).expect("parses"), full);
        assert!(CacheInfo::parse("Priority: x\nStoreDir: /s").is_err());
        assert!(CacheInfo::parse("WantMassQuery: 1\n").is_err());
    }
}
