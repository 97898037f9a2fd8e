//! `<hashpart>.narinfo`: what a binary cache says about one store path, in Nix's
//! `Key: value` text form.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::keys::fingerprint;
use crate::compression::Method;
use crate::store::hash::Hash;
use crate::store::path::{StoreDir, StorePath};
use crate::store::path_info::{ContentAddress, ValidPathInfo};

/// A `.narinfo` that cannot be understood.
#[derive(Debug, thiserror::Error)]
#[error("{whence}:{line}: {message}")]
pub struct NarInfoError {
    /// Where the text came from (its URL).
    pub whence: String,
    /// The 1-based line (0 for the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The contents of a `.narinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NarInfo {
    /// The store path described.
    pub path: StorePath,
    /// Where the (compressed) NAR is: relative to the cache (`nar/….nar.xz`), or an
    /// absolute `http(s)://` URL.
    pub url: String,
    /// How the NAR file is compressed.
    pub compression: Method,
    /// Hash of the NAR file as stored (compressed), if given.
    pub file_hash: Option<Hash>,
    /// Size of the NAR file as stored, if given.
    pub file_size: Option<u64>,
    /// Hash of the uncompressed NAR.
    pub nar_hash: Hash,
    /// Size of the uncompressed NAR.
    pub nar_size: u64,
    /// The paths it refers to.
    pub references: BTreeSet<StorePath>,
    /// The derivation that produced it.
    pub deriver: Option<StorePath>,
    /// Signatures (`NAME:BASE64`).
    pub sigs: Vec<String>,
    /// Its content address, for content-addressed paths.
    pub ca: Option<ContentAddress>,
}

impl NarInfo {
    /// Parses the text of a `.narinfo` fetched from `whence`. `StorePath`, `URL`,
    /// `NarHash` and `NarSize` are required; unknown keys are ignored, as Nix does. A
    /// missing `Compression` means bzip2 (Nix's historical default).
    pub fn parse(store_dir: &StoreDir, text: &str, whence: &str) -> Result<NarInfo, NarInfoError> {
        let fail = |line: usize, message: String| NarInfoError {
            whence: whence.to_owned(),
            line,
            message,
        };
        let mut path = None;
        let mut url = None;
        let mut compression = None;
        let mut file_hash = None;
        let mut file_size = None;
        let mut nar_hash = None;
        let mut nar_size = None;
        let mut references = BTreeSet::new();
        let mut deriver = None;
        let mut sigs = Vec::new();
        let mut ca = None;
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let Some((key, value)) = line.split_once(": ").or_else(|| {
                line.strip_suffix(':').map(|k| (k, "")) // `References:` with none
            }) else {
                return Err(fail(n, format!("expected 'Key: value', found '{line}'")));
            };
            let hash = |v: &str| {
                Hash::parse_prefixed(v)
                    .or_else(|_| Hash::parse_sri(v))
                    .map_err(|e| fail(n, format!("bad {key} '{v}': {e}")))
            };
            let size = |v: &str| {
                v.parse::<u64>()
                    .map_err(|_| fail(n, format!("bad {key} '{v}': expected a number")))
            };
            let base = |v: &str| {
                StorePath::from_base_name(v).map_err(|e| fail(n, format!("bad {key} '{v}': {e}")))
            };
            match key {
                "StorePath" => {
                    path = Some(
                        store_dir
                            .parse_path(value)
                            .map_err(|e| fail(n, format!("bad StorePath '{value}': {e}")))?,
                    )
                }
                "URL" => {
                    let escapes = value.starts_with('/')
                        || value.starts_with("../")
                        || value.contains("/../");
                    if value.is_empty() || escapes {
                        return Err(fail(n, format!("bad URL '{value}'")));
                    }
                    url = Some(value.to_owned())
                }
                "Compression" => {
                    compression =
                        Some(Method::from_name(value).map_err(|e| fail(n, e.to_string()))?)
                }
                "FileHash" => file_hash = Some(hash(value)?),
                "FileSize" => file_size = Some(size(value)?),
                "NarHash" => nar_hash = Some(hash(value)?),
                "NarSize" => nar_size = Some(size(value)?),
                "References" => {
                    for r in value.split_whitespace() {
                        references.insert(base(r)?);
                    }
                }
                "Deriver" if value != "unknown-deriver" && !value.is_empty() => {
                    deriver = Some(base(value)?)
                }
                "Sig" => sigs.push(value.to_owned()),
                "CA" if !value.is_empty() => {
                    ca = Some(
                        value
                            .parse::<ContentAddress>()
                            .map_err(|e| fail(n, e.to_string()))?,
                    )
                }
                _ => {}
            }
        }
        let missing = |field: &str| fail(0, format!("the field '{field}' is missing"));
        Ok(NarInfo {
            path: path.ok_or_else(|| missing("StorePath"))?,
            url: url.ok_or_else(|| missing("URL"))?,
            compression: compression.unwrap_or(Method::Bzip2),
            file_hash,
            file_size,
            nar_hash: nar_hash.ok_or_else(|| missing("NarHash"))?,
            nar_size: nar_size.ok_or_else(|| missing("NarSize"))?,
            references,
            deriver,
            sigs,
            ca,
        })
    }

    /// The text form, with the fields in the order Nix writes them.
    pub fn to_text(&self, store_dir: &StoreDir) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "StorePath: {}", store_dir.display(&self.path));
        let _ = writeln!(s, "URL: {}", self.url);
        let _ = writeln!(s, "Compression: {}", self.compression);
        if let Some(h) = &self.file_hash {
            let _ = writeln!(s, "FileHash: {}:{}", h.algo(), h.to_nix32());
        }
        if let Some(n) = self.file_size {
            let _ = writeln!(s, "FileSize: {n}");
        }
        let _ = writeln!(
            s,
            "NarHash: {}:{}",
            self.nar_hash.algo(),
            self.nar_hash.to_nix32()
        );
        let _ = writeln!(s, "NarSize: {}", self.nar_size);
        let refs: Vec<&str> = self.references.iter().map(StorePath::base_name).collect();
        let _ = writeln!(s, "References: {}", refs.join(" "));
        if let Some(d) = &self.deriver {
            let _ = writeln!(s, "Deriver: {}", d.base_name());
        }
        for sig in &self.sigs {
            let _ = writeln!(s, "Sig: {sig}");
        }
        if let Some(ca) = &self.ca {
            let _ = writeln!(s, "CA: {ca}");
        }
        s
    }

    /// What the signatures sign (see [`fingerprint`]).
    pub fn fingerprint(&self, store_dir: &StoreDir) -> String {
        fingerprint(
            store_dir,
            &self.path,
            &self.nar_hash,
            self.nar_size,
            &self.references,
        )
    }

    /// The registration of the path once substituted (not ultimate: it was not built
    /// here).
    pub fn to_path_info(&self) -> ValidPathInfo {
        let mut info = ValidPathInfo::new(self.path.clone(), self.nar_hash.clone(), self.nar_size);
        info.references = self.references.clone();
        info.deriver = self.deriver.clone();
        info.sigs = self.sigs.clone();
        info.ca = self.ca.clone();
        info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Written (and signed) by Nix 2.8's `nix copy --to file://…?secret-key=…` for
    // `nix-store --add` of a file `hf` holding "hi\n".
    const NIX_NARINFO: &str = "StorePath: /nix/store/3axiavniwqbnr3286a6vihf77hrs7n1r-hf
URL: nar/09kxyd68d2nylk7ims23pj3i09s4nnv9p3dv6iij1q9canv42w6d.nar.xz
Compression: xz
FileHash: sha256:09kxyd68d2nylk7ims23pj3i09s4nnv9p3dv6iij1q9canv42w6d
FileSize: 124
NarHash: sha256:1xmr8jicvzszfzpz46g37mlpvbzjl2wpwvl2b05psipssyp1sm8h
NarSize: 120
References: 
Sig: test-1:FHv/EN9bhZ3lPSUvp24gXfOUvIJ/bTi0AjUCaO9XmUL5ylPUd7/kUZGFEERurXvRoYJ5UsXj1TXWhniiC5OEDw==
CA: fixed:r:sha256:1xmr8jicvzszfzpz46g37mlpvbzjl2wpwvl2b05psipssyp1sm8h
";
    // The public half of the key that signed it (`nix-store --generate-binary-cache-key`).
    const NIX_PUBLIC: &str = "test-1:IjV9vPx7qIDbf1PiL0w9PvIqF8VGmqNBaUppDCvKfIE=";

    #[test]
    fn parses_and_writes_back_nix_narinfo() {
        let dir = StoreDir::default();
        let info = NarInfo::parse(&dir, NIX_NARINFO, "x.narinfo").expect("parses");
        assert_eq!(info.compression, Method::Xz);
        assert_eq!(info.nar_size, 120);
        assert!(info.references.is_empty());
        assert_eq!(info.to_text(&dir), NIX_NARINFO);
        assert_eq!(
            info.fingerprint(&dir),
            "1;/nix/store/3axiavniwqbnr3286a6vihf77hrs7n1r-hf;\
             sha256:1xmr8jicvzszfzpz46g37mlpvbzjl2wpwvl2b05psipssyp1sm8h;120;"
        );
        let key = crate::cache::keys::PublicKey::parse(NIX_PUBLIC).expect("key");
        assert!(key.verifies(&info.fingerprint(&dir), &info.sigs[0]));
        let mut changed = info.clone();
        changed.nar_size += 1;
        assert!(!key.verifies(&changed.fingerprint(&dir), &info.sigs[0]));
    }

    #[test]
    fn errors_name_the_line_and_field() {
        let dir = StoreDir::default();
        let bad = NIX_NARINFO.replace("NarSize: 120", "NarSize: lots");
        let e = NarInfo::parse(&dir, &bad, "c/x.narinfo").expect_err("bad size");
        assert_eq!(e.line, 7);
        assert!(
            e.to_string().starts_with("c/x.narinfo:7: bad NarSize"),
            "{e}"
        );
        let missing = NIX_NARINFO.replace("NarHash", "NotHash");
        let e = NarInfo::parse(&dir, &missing, "c/x.narinfo").expect_err("missing");
        assert!(e.to_string().contains("'NarHash' is missing"), "{e}");
        let lz = NIX_NARINFO.replace("Compression: xz", "Compression: lz4");
        assert!(NarInfo::parse(&dir, &lz, "x").is_err());
    }
}
