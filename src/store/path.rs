//! Store directories, store paths, and Nix's content-addressed path
//! computations (`makeStorePath` and the text/source/output/fixed-output
//! variants built on it).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::hash::{Hash, HashAlgo};
use super::nix32;

/// Length in characters of the nix32 hash part of a store path.
pub const HASH_PART_LEN: usize = 32;
/// Number of bytes in a store path's hash part.
pub const HASH_PART_BYTES: usize = 20;
/// Maximum length of a store path name.
pub const MAX_NAME_LEN: usize = 211;
/// The default store directory.
pub const DEFAULT_STORE_DIR: &str = "/nix/store";

/// Errors from parsing or constructing store paths and store directories.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StorePathError {
    /// The base name is too short or lacks the `-` after the hash part.
    #[error("'{0}' is not a valid store path base name")]
    BadBaseName(String),
    /// The hash part is not valid nix32.
    #[error("store path '{0}' has an invalid hash part")]
    BadHashPart(String),
    /// The name is empty.
    #[error("store path name is empty")]
    EmptyName,
    /// The name is longer than [`MAX_NAME_LEN`].
    #[error("store path name '{0}' is longer than 211 characters")]
    NameTooLong(String),
    /// The name starts with a period.
    #[error("store path name '{0}' starts with a period")]
    NameStartsWithDot(String),
    /// The name contains a character outside `[A-Za-z0-9+-._?=]`.
    #[error("store path name '{name}' contains illegal character {ch:?}")]
    IllegalChar {
        /// The name.
        name: String,
        /// The first offending character.
        ch: char,
    },
    /// The path is not directly inside the store directory.
    #[error("path '{path}' is not in the Nix store '{store_dir}'")]
    NotInStore {
        /// The path given.
        path: String,
        /// The store directory it was checked against.
        store_dir: String,
    },
    /// The store directory is not an absolute, canonical path.
    #[error("store directory '{0}' must be an absolute path without a trailing slash")]
    BadStoreDir(String),
    /// A content-addressed path other than `source` was given references.
    #[error("fixed-output path '{0}' cannot have references")]
    ReferencesNotAllowed(String),
}

/// Checks a store path name against Nix's rules.
pub fn check_name(name: &str) -> Result<(), StorePathError> {
    if name.is_empty() {
        return Err(StorePathError::EmptyName);
    }
    if name.len() > MAX_NAME_LEN {
        return Err(StorePathError::NameTooLong(name.to_owned()));
    }
    if name.starts_with('.') {
        return Err(StorePathError::NameStartsWithDot(name.to_owned()));
    }
    if let Some(ch) = name
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || "+-._?=".contains(c)))
    {
        return Err(StorePathError::IllegalChar {
            name: name.to_owned(),
            ch,
        });
    }
    Ok(())
}

/// A validated store path, independent of the store directory:
/// a 20-byte hash part and a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StorePath {
    // Kept as the nix32 text so that ordering matches Nix (by base name).
    base_name: String,
}

impl StorePath {
    /// Parses `<nix32 hash>-<name>`.
    pub fn from_base_name(s: &str) -> Result<StorePath, StorePathError> {
        let (hash, rest) = match (s.get(..HASH_PART_LEN), s.get(HASH_PART_LEN..)) {
            (Some(h), Some(r)) if r.starts_with('-') => (h, &r[1..]),
            _ => return Err(StorePathError::BadBaseName(s.to_owned())),
        };
        // 32 digits carry exactly 160 bits: any string of nix32 digits is a valid hash.
        if !hash.bytes().all(nix32::is_nix32_char) {
            return Err(StorePathError::BadHashPart(s.to_owned()));
        }
        check_name(rest)?;
        Ok(StorePath {
            base_name: s.to_owned(),
        })
    }

    /// Builds a store path from a 20-byte digest and a name.
    pub fn from_hash(
        hash: &[u8; HASH_PART_BYTES],
        name: &str,
    ) -> Result<StorePath, StorePathError> {
        check_name(name)?;
        Ok(StorePath {
            base_name: format!("{}-{}", nix32::encode(hash), name),
        })
    }

    /// The nix32 hash part (32 characters).
    pub fn hash_part(&self) -> &str {
        &self.base_name[..HASH_PART_LEN]
    }

    /// The name after the hash part.
    pub fn name(&self) -> &str {
        &self.base_name[HASH_PART_LEN + 1..]
    }

    /// `<hash>-<name>`.
    pub fn base_name(&self) -> &str {
        &self.base_name
    }

    /// Whether the name ends in `.drv`.
    pub fn is_derivation(&self) -> bool {
        self.name().ends_with(".drv")
    }
}

impl fmt::Display for StorePath {
    /// Prints the base name; use [`StoreDir::display`] for the absolute path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base_name)
    }
}

impl FromStr for StorePath {
    type Err = StorePathError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StorePath::from_base_name(s)
    }
}

/// How a file system object was ingested for content addressing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileIngestionMethod {
    /// The hash is over the file's contents (regular files only).
    Flat,
    /// The hash is over the NAR serialisation.
    Recursive,
}

impl FileIngestionMethod {
    /// The prefix Nix puts before the algorithm name: `""` or `"r:"`.
    pub fn prefix(self) -> &'static str {
        match self {
            FileIngestionMethod::Flat => "",
            FileIngestionMethod::Recursive => "r:",
        }
    }
}

/// The logical store directory (e.g. `/nix/store`), which enters every
/// store path hash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoreDir {
    dir: String,
}

impl Default for StoreDir {
    fn default() -> Self {
        StoreDir {
            dir: DEFAULT_STORE_DIR.to_owned(),
        }
    }
}

impl StoreDir {
    /// A store directory at `dir`, which must be absolute and have no
    /// trailing slash (Nix canonicalises it the same way).
    pub fn new(dir: &str) -> Result<StoreDir, StorePathError> {
        let ok = dir.starts_with('/')
            && dir.len() > 1
            && !dir.ends_with('/')
            && !dir.contains("//")
            && dir.split('/').all(|c| c != "." && c != "..");
        if !ok {
            return Err(StorePathError::BadStoreDir(dir.to_owned()));
        }
        Ok(StoreDir {
            dir: dir.to_owned(),
        })
    }

    /// The directory as a string.
    pub fn as_str(&self) -> &str {
        &self.dir
    }

    /// The absolute path of `path` in this store.
    pub fn display(&self, path: &StorePath) -> String {
        format!("{}/{}", self.dir, path.base_name)
    }

    /// Parses an absolute path that must be directly inside the store.
    pub fn parse_path(&self, s: &str) -> Result<StorePath, StorePathError> {
        match s
            .strip_prefix(self.dir.as_str())
            .and_then(|r| r.strip_prefix('/'))
        {
            Some(base) if !base.contains('/') => StorePath::from_base_name(base),
            _ => Err(self.not_in_store(s)),
        }
    }

    /// Splits a path inside the store into its store path and the remainder
    /// (empty or starting with `/`), e.g. `/nix/store/…-foo/bin/sh`.
    pub fn split_path<'a>(&self, s: &'a str) -> Result<(StorePath, &'a str), StorePathError> {
        let rest = s
            .strip_prefix(self.dir.as_str())
            .and_then(|r| r.strip_prefix('/'))
            .ok_or_else(|| self.not_in_store(s))?;
        let end = rest.find('/').unwrap_or(rest.len());
        Ok((StorePath::from_base_name(&rest[..end])?, &rest[end..]))
    }

    /// Whether `s` is a path directly inside this store.
    pub fn is_store_path(&self, s: &str) -> bool {
        self.parse_path(s).is_ok()
    }

    fn not_in_store(&self, s: &str) -> StorePathError {
        StorePathError::NotInStore {
            path: s.to_owned(),
            store_dir: self.dir.clone(),
        }
    }

    /// Nix's `makeStorePath`: hashes the fingerprint
    /// `<type>:<algo>:<base16 hash>:<store dir>:<name>` with SHA-256, folds it
    /// to 20 bytes and prefixes the name.
    pub fn make_store_path(
        &self,
        path_type: &str,
        hash: &Hash,
        name: &str,
    ) -> Result<StorePath, StorePathError> {
        check_name(name)?;
        let fingerprint = format!(
            "{}:{}:{}:{}:{}",
            path_type,
            hash.algo(),
            hash.to_base16(),
            self.dir,
            name
        );
        let folded = Hash::digest(HashAlgo::Sha256, fingerprint).compress(HASH_PART_BYTES);
        let mut digest = [0u8; HASH_PART_BYTES];
        digest.copy_from_slice(&folded);
        StorePath::from_hash(&digest, name)
    }

    /// Nix's `makeType`: appends `:<abs path>` per reference (sorted) and
    /// `:self` for a self reference.
    fn make_type<'a>(
        &self,
        base: &str,
        references: impl IntoIterator<Item = &'a StorePath>,
        self_ref: bool,
    ) -> String {
        let refs: BTreeSet<&StorePath> = references.into_iter().collect();
        let mut t = base.to_owned();
        for r in refs {
            t.push(':');
            t.push_str(&self.display(r));
        }
        if self_ref {
            t.push_str(":self");
        }
        t
    }

    /// Path of a text file (`builtins.toFile`, `.drv` files): type `text`
    /// with its references; `content_hash` is the SHA-256 of the contents.
    pub fn make_text_path<'a>(
        &self,
        name: &str,
        content_hash: &Hash,
        references: impl IntoIterator<Item = &'a StorePath>,
    ) -> Result<StorePath, StorePathError> {
        let t = self.make_type("text", references, false);
        self.make_store_path(&t, content_hash, name)
    }

    /// Path of a source added recursively (`nix-store --add`, path literals):
    /// type `source`; `nar_hash` is the SHA-256 of the NAR.
    pub fn make_source_path<'a>(
        &self,
        name: &str,
        nar_hash: &Hash,
        references: impl IntoIterator<Item = &'a StorePath>,
        self_ref: bool,
    ) -> Result<StorePath, StorePathError> {
        let t = self.make_type("source", references, self_ref);
        self.make_store_path(&t, nar_hash, name)
    }

    /// Path of output `output_name` of an input-addressed derivation named
    /// `drv_name`, whose modulo hash is `drv_hash`. Outputs other than `out`
    /// get a `-<output>` suffix.
    pub fn make_output_path(
        &self,
        output_name: &str,
        drv_hash: &Hash,
        drv_name: &str,
    ) -> Result<StorePath, StorePathError> {
        let name = output_path_name(drv_name, output_name);
        self.make_store_path(&format!("output:{output_name}"), drv_hash, &name)
    }

    /// Path of fixed-output content: recursive SHA-256 is a `source` path;
    /// everything else is an `output:out` path over
    /// `fixed:out:<r:?><algo>:<base16>:`, which admits no references.
    pub fn make_fixed_output_path<'a>(
        &self,
        method: FileIngestionMethod,
        hash: &Hash,
        name: &str,
        references: impl IntoIterator<Item = &'a StorePath>,
        self_ref: bool,
    ) -> Result<StorePath, StorePathError> {
        if method == FileIngestionMethod::Recursive && hash.algo() == HashAlgo::Sha256 {
            return self.make_source_path(name, hash, references, self_ref);
        }
        if references.into_iter().next().is_some() || self_ref {
            return Err(StorePathError::ReferencesNotAllowed(name.to_owned()));
        }
        let inner = Hash::digest(HashAlgo::Sha256, fixed_output_fingerprint(method, hash));
        self.make_store_path("output:out", &inner, name)
    }
}

/// `fixed:out:<r:?><algo>:<base16>:`, the string whose SHA-256 identifies
/// fixed-output content that is not a recursive SHA-256 source.
pub fn fixed_output_fingerprint(method: FileIngestionMethod, hash: &Hash) -> String {
    format!(
        "fixed:out:{}{}:{}:",
        method.prefix(),
        hash.algo(),
        hash.to_base16()
    )
}

/// The store path name of output `output_name` of derivation `drv_name`.
pub fn output_path_name(drv_name: &str, output_name: &str) -> String {
    if output_name == "out" {
        drv_name.to_owned()
    } else {
        format!("{drv_name}-{output_name}")
    }
}

/// `builtins.placeholder`: `/` followed by the nix32 SHA-256 of
/// `nix-output:<output_name>`.
pub fn placeholder(output_name: &str) -> String {
    let h = Hash::digest(HashAlgo::Sha256, format!("nix-output:{output_name}"));
    format!("/{}", h.to_nix32())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256(data: &str) -> Hash {
        Hash::digest(HashAlgo::Sha256, data)
    }

    fn store() -> StoreDir {
        StoreDir::default()
    }

    fn p(s: &str) -> StorePath {
        store().parse_path(s).unwrap()
    }

    const NONE: [&StorePath; 0] = [];

    // Every expected path below was produced by Nix 2.8 (`nix-instantiate
    // --store <tmp>`, `nix-store --store <tmp> --add[-fixed]`).

    #[test]
    fn text_paths_like_to_file() {
        let foo = store()
            .make_text_path("foo.txt", &sha256("hello"), NONE)
            .unwrap();
        assert_eq!(
            store().display(&foo),
            "/nix/store/m0iyz1rzcgxw68h6skk8b9sg0p0napwc-foo.txt"
        );
        let baz = store().make_text_path("baz", &sha256(""), NONE).unwrap();
        assert_eq!(baz.base_name(), "86x6sl62hb7jd2zb2k3zp7sxi0k2i1w9-baz");
        let content = format!(
            "ref {} and {}",
            store().display(&foo),
            store().display(&baz)
        );
        // References are sorted whatever order they come in.
        let bar = store()
            .make_text_path("bar", &sha256(&content), [&foo, &baz])
            .unwrap();
        assert_eq!(bar.base_name(), "xhvpxznmyih4fbr87dh9shxmaangb7kp-bar");
    }

    #[test]
    fn source_and_fixed_paths() {
        // NAR hashes from `nix-hash --type sha256|sha1 hello` of a file "hello".
        let nar256 = Hash::parse(
            "0a430879c266f8b57f4092a0f935cf3facd48bbccde5760d4748ca405171e969",
            Some(HashAlgo::Sha256),
        )
        .unwrap();
        let nar1 = Hash::parse(
            "5144612b23081da49ab008bd0b73960b6a2b7fe9",
            Some(HashAlgo::Sha1),
        )
        .unwrap();
        let s = store();
        let src = s.make_source_path("hello", &nar256, NONE, false).unwrap();
        assert_eq!(src.base_name(), "yqi18hzk6wxzj2ksv7x9k8rnnzwirzz9-hello");
        let rec = FileIngestionMethod::Recursive;
        let flat = FileIngestionMethod::Flat;
        let cases = [
            (
                rec,
                nar256.clone(),
                "yqi18hzk6wxzj2ksv7x9k8rnnzwirzz9-hello",
            ),
            (rec, nar1, "9yw8zg8zabkb6xrhdxm7shpq2cjcx9ky-hello"),
            (
                flat,
                sha256("hello"),
                "3fhdhfqli6qm669f7sz8d8v6xz24zrqc-hello",
            ),
            (
                flat,
                Hash::digest(HashAlgo::Sha1, "hello"),
                "v0nrf1zmxrpzqx6hw27z2qp9glpisrpz-hello",
            ),
            (
                flat,
                Hash::digest(HashAlgo::Md5, "hello"),
                "cjjgh51g19my6qswi7m4371f5892dxs9-hello",
            ),
        ];
        for (method, hash, expected) in cases {
            let got = s
                .make_fixed_output_path(method, &hash, "hello", NONE, false)
                .unwrap();
            assert_eq!(got.base_name(), expected, "{method:?} {hash}");
        }
        let other = p("/nix/store/86x6sl62hb7jd2zb2k3zp7sxi0k2i1w9-baz");
        assert!(matches!(
            s.make_fixed_output_path(flat, &sha256("x"), "x", [&other], false),
            Err(StorePathError::ReferencesNotAllowed(_))
        ));
    }

    #[test]
    fn custom_store_dir() {
        // `nix-store --store 'local?store=/custom/store&…' --add hello`
        let s = StoreDir::new("/custom/store").unwrap();
        let nar256 = Hash::parse(
            "0a430879c266f8b57f4092a0f935cf3facd48bbccde5760d4748ca405171e969",
            Some(HashAlgo::Sha256),
        )
        .unwrap();
        let path = s.make_source_path("hello", &nar256, NONE, false).unwrap();
        assert_eq!(
            s.display(&path),
            "/custom/store/mlsmmk4mkg599f8pbrm1syw3dq8h1wqh-hello"
        );
        assert!(StoreDir::new("relative").is_err());
        assert!(StoreDir::new("/nix/store/").is_err());
        assert!(StoreDir::new("/nix/../store").is_err());
    }

    #[test]
    fn output_paths_of_fixed_output_derivations() {
        // outPath of `derivation { outputHashMode = "flat"; … }` equals the
        // fixed-output path of its hash.
        let s = store();
        let path = s
            .make_fixed_output_path(
                FileIngestionMethod::Flat,
                &sha256("hello"),
                "fo-flat",
                NONE,
                false,
            )
            .unwrap();
        assert_eq!(path.base_name(), "ybr3w13y9gx7q02m9d0d53c5fw21lpg7-fo-flat");
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            placeholder("out"),
            "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9"
        );
        assert_eq!(
            placeholder("dev"),
            "/02qcpld1y6xhs5gz9bchpxaw0xdhmsp5dv88lh25r2ss44kh8dxz"
        );
    }

    #[test]
    fn parse_and_display() {
        let s = store();
        let path = p("/nix/store/m0iyz1rzcgxw68h6skk8b9sg0p0napwc-foo.txt");
        assert_eq!(path.hash_part(), "m0iyz1rzcgxw68h6skk8b9sg0p0napwc");
        assert_eq!(path.name(), "foo.txt");
        assert!(!path.is_derivation());
        let (sp, rest) = s
            .split_path("/nix/store/m0iyz1rzcgxw68h6skk8b9sg0p0napwc-foo.txt/bin/sh")
            .unwrap();
        assert_eq!((sp, rest), (path.clone(), "/bin/sh"));
        assert!(matches!(
            s.parse_path("/nix/store/m0iyz1rzcgxw68h6skk8b9sg0p0napwc-foo.txt/x"),
            Err(StorePathError::NotInStore { .. })
        ));
        assert!(matches!(
            s.parse_path("/nix/storex/m0iyz1rzcgxw68h6skk8b9sg0p0napwc-foo"),
            Err(StorePathError::NotInStore { .. })
        ));
        assert!(matches!(
            StorePath::from_base_name("m0iyz1rzcgxw68h6skk8b9sg0p0napwe-foo"),
            Err(StorePathError::BadHashPart(_))
        ));
        assert!(matches!(
            StorePath::from_base_name("m0iyz1rzcgxw68h6skk8b9sg0p0napwc_foo"),
            Err(StorePathError::BadBaseName(_))
        ));
        assert!(matches!(
            StorePath::from_base_name("short"),
            Err(StorePathError::BadBaseName(_))
        ));
    }

    #[test]
    fn name_rules() {
        assert!(check_name("a+b-c._?=D9").is_ok());
        assert_eq!(check_name(""), Err(StorePathError::EmptyName));
        assert!(matches!(
            check_name(".hidden"),
            Err(StorePathError::NameStartsWithDot(_))
        ));
        assert!(matches!(
            check_name("a b"),
            Err(StorePathError::IllegalChar { ch: ' ', .. })
        ));
        assert!(matches!(
            check_name("é"),
            Err(StorePathError::IllegalChar { ch: 'é', .. })
        ));
        assert!(check_name(&"x".repeat(211)).is_ok());
        assert!(matches!(
            check_name(&"x".repeat(212)),
            Err(StorePathError::NameTooLong(_))
        ));
    }
}
