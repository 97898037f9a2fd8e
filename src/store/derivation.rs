//! Store derivations: the [`Derivation`] structure, its ATerm form exactly
//! as Nix writes `.drv` files, and parsing it back.
//!
//! Hashing modulo fixed-output derivations and output path computation live
//! in [`super::derivation_hash`].

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

use super::aterm::{self, ATermError, Reader};
use super::hash::{Hash, HashAlgo, HashParseError};
use super::path::{FileIngestionMethod, StoreDir, StorePath, StorePathError};

/// Errors about derivations: parsing, invalid fields, path computation.
#[derive(Debug, Error)]
pub enum DerivationError {
    /// The ATerm text is malformed.
    #[error(transparent)]
    Syntax(#[from] ATermError),
    /// A path in the derivation is not a valid store path.
    #[error(transparent)]
    StorePath(#[from] StorePathError),
    /// A fixed-output hash or algorithm is invalid.
    #[error(transparent)]
    Hash(#[from] HashParseError),
    /// A `.drv` file that is not UTF-8.
    #[error("derivation is not valid UTF-8")]
    NotUtf8,
    /// An output lacks the path needed for this operation.
    #[error("output '{0}' of the derivation has no path")]
    MissingOutputPath(String),
    /// A fixed-output derivation has outputs other than just `out`.
    #[error("fixed-output derivations must have exactly one output, named 'out'")]
    BadFixedOutput,
    /// The same key appears twice (output, input, or environment variable).
    #[error("duplicate {kind} '{key}' in derivation")]
    Duplicate {
        /// Which kind of key.
        kind: &'static str,
        /// The repeated key.
        key: String,
    },
}

/// One output of a derivation as recorded in the `.drv` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DerivationOutput {
    /// The output's store path; `None` while it is still being computed
    /// (printed as the empty string).
    pub path: Option<StorePath>,
    /// Empty, or `<algo>` / `r:<algo>` for a fixed output.
    pub hash_algo: String,
    /// Empty, or the expected hash in base16 for a fixed output.
    pub hash: String,
}

impl DerivationOutput {
    /// An input-addressed output.
    pub fn input_addressed(path: Option<StorePath>) -> Self {
        DerivationOutput {
            path,
            hash_algo: String::new(),
            hash: String::new(),
        }
    }

    /// A fixed output with the given ingestion method and hash.
    pub fn fixed(method: FileIngestionMethod, hash: &Hash, path: Option<StorePath>) -> Self {
        DerivationOutput {
            path,
            hash_algo: format!("{}{}", method.prefix(), hash.algo()),
            hash: hash.to_base16(),
        }
    }

    /// The fixed-output method and hash, or `None` for an input-addressed
    /// output.
    pub fn fixed_hash(&self) -> Result<Option<(FileIngestionMethod, Hash)>, DerivationError> {
        if self.hash.is_empty() {
            return Ok(None);
        }
        let (method, algo) = match self.hash_algo.strip_prefix("r:") {
            Some(a) => (FileIngestionMethod::Recursive, a),
            None => (FileIngestionMethod::Flat, self.hash_algo.as_str()),
        };
        let algo: HashAlgo = algo.parse()?;
        Ok(Some((method, Hash::parse(&self.hash, Some(algo))?)))
    }
}

/// A store derivation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Derivation {
    /// The derivation's name (the `.drv` path's name without `.drv`); not
    /// part of the ATerm.
    pub name: String,
    /// Outputs by name.
    pub outputs: BTreeMap<String, DerivationOutput>,
    /// Input derivations and the outputs used from each.
    pub input_drvs: BTreeMap<StorePath, BTreeSet<String>>,
    /// Input sources (non-derivation store paths).
    pub input_srcs: BTreeSet<StorePath>,
    /// The platform, e.g. `x86_64-linux`.
    pub system: String,
    /// The builder executable.
    pub builder: String,
    /// Arguments to the builder.
    pub args: Vec<String>,
    /// Environment variables for the builder.
    pub env: BTreeMap<String, String>,
}

/// How outputs are printed in [`Derivation::write_aterm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputMode {
    /// As stored.
    Full,
    /// Output paths and the env vars named after outputs printed empty.
    Masked,
}

impl Derivation {
    /// The fixed output (`out`) method and hash, if this is a fixed-output
    /// derivation (exactly one output, `out`, with a hash).
    pub fn fixed_output(&self) -> Result<Option<(FileIngestionMethod, Hash)>, DerivationError> {
        let mut fixed = false;
        for o in self.outputs.values() {
            fixed |= !o.hash.is_empty();
        }
        if !fixed {
            return Ok(None);
        }
        match (self.outputs.len(), self.outputs.get("out")) {
            (1, Some(out)) => out.fixed_hash(),
            _ => Err(DerivationError::BadFixedOutput),
        }
    }

    /// Whether this is a fixed-output derivation.
    pub fn is_fixed_output(&self) -> bool {
        self.outputs.values().any(|o| !o.hash.is_empty())
    }

    /// The `.drv` file's references: input sources and input derivations.
    pub fn references(&self) -> BTreeSet<&StorePath> {
        self.input_srcs
            .iter()
            .chain(self.input_drvs.keys())
            .collect()
    }

    /// The ATerm text of the `.drv` file.
    pub fn to_aterm(&self, store: &StoreDir) -> String {
        let inputs = self
            .input_drvs
            .iter()
            .map(|(p, outs)| (store.display(p), outs));
        self.write_aterm(store, OutputMode::Full, inputs)
    }

    /// Prints the ATerm with the given input-derivation keys (already in
    /// their required order) and output mode.
    pub(crate) fn write_aterm<'a>(
        &self,
        store: &StoreDir,
        mode: OutputMode,
        input_drvs: impl IntoIterator<Item = (String, &'a BTreeSet<String>)>,
    ) -> String {
        let mut s = String::with_capacity(1024);
        s.push_str("Derive([");
        for (i, (name, out)) in self.outputs.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push('(');
            aterm::write_string(&mut s, name);
            s.push(',');
            let path = match (&out.path, mode) {
                (Some(p), OutputMode::Full) => store.display(p),
                _ => String::new(),
            };
            aterm::write_string(&mut s, &path);
            s.push(',');
            aterm::write_string(&mut s, &out.hash_algo);
            s.push(',');
            aterm::write_string(&mut s, &out.hash);
            s.push(')');
        }
        s.push_str("],[");
        for (i, (path, outs)) in input_drvs.into_iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push('(');
            aterm::write_string(&mut s, &path);
            s.push(',');
            aterm::write_string_list(&mut s, outs.iter().map(String::as_str));
            s.push(')');
        }
        s.push_str("],");
        let srcs: Vec<String> = self.input_srcs.iter().map(|p| store.display(p)).collect();
        aterm::write_string_list(&mut s, srcs.iter().map(String::as_str));
        s.push(',');
        aterm::write_string(&mut s, &self.system);
        s.push(',');
        aterm::write_string(&mut s, &self.builder);
        s.push(',');
        aterm::write_string_list(&mut s, self.args.iter().map(String::as_str));
        s.push_str(",[");
        for (i, (k, v)) in self.env.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push('(');
            aterm::write_string(&mut s, k);
            s.push(',');
            let masked = mode == OutputMode::Masked && self.outputs.contains_key(k);
            aterm::write_string(&mut s, if masked { "" } else { v });
            s.push(')');
        }
        s.push_str("])");
        s
    }

    /// Parses the contents of a `.drv` file; `name` is the derivation name
    /// (the file's store path name without `.drv`).
    pub fn from_aterm_bytes(
        store: &StoreDir,
        bytes: &[u8],
        name: &str,
    ) -> Result<Derivation, DerivationError> {
        let text = std::str::from_utf8(bytes).map_err(|_| DerivationError::NotUtf8)?;
        Self::from_aterm(store, text, name)
    }

    /// Parses ATerm text of a derivation; `name` as in
    /// [`Derivation::from_aterm_bytes`].
    pub fn from_aterm(
        store: &StoreDir,
        text: &str,
        name: &str,
    ) -> Result<Derivation, DerivationError> {
        let mut r = Reader::new(text);
        let mut drv = Derivation {
            name: name.to_owned(),
            ..Derivation::default()
        };
        r.expect("Derive(")?;
        let outputs = r.list(|r| {
            r.expect("(")?;
            let name = r.string()?;
            r.expect(",")?;
            let path = r.string()?;
            r.expect(",")?;
            let hash_algo = r.string()?;
            r.expect(",")?;
            let hash = r.string()?;
            r.expect(")")?;
            Ok((name, path, hash_algo, hash))
        })?;
        for (oname, path, hash_algo, hash) in outputs {
            let path = match path.as_str() {
                "" => None,
                p => Some(store.parse_path(p)?),
            };
            let out = DerivationOutput {
                path,
                hash_algo,
                hash,
            };
            if drv.outputs.insert(oname.clone(), out).is_some() {
                return Err(duplicate("output", oname));
            }
        }
        r.expect(",")?;
        let inputs = r.list(|r| {
            r.expect("(")?;
            let path = r.string()?;
            r.expect(",")?;
            let outs = r.string_list()?;
            r.expect(")")?;
            Ok((path, outs))
        })?;
        for (path, outs) in inputs {
            let p = store.parse_path(&path)?;
            if drv
                .input_drvs
                .insert(p, outs.into_iter().collect())
                .is_some()
            {
                return Err(duplicate("input derivation", path));
            }
        }
        r.expect(",")?;
        for src in r.string_list()? {
            let p = store.parse_path(&src)?;
            if !drv.input_srcs.insert(p) {
                return Err(duplicate("input source", src));
            }
        }
        r.expect(",")?;
        drv.system = r.string()?;
        r.expect(",")?;
        drv.builder = r.string()?;
        r.expect(",")?;
        drv.args = r.string_list()?;
        r.expect(",")?;
        let env = r.list(|r| {
            r.expect("(")?;
            let k = r.string()?;
            r.expect(",")?;
            let v = r.string()?;
            r.expect(")")?;
            Ok((k, v))
        })?;
        for (k, v) in env {
            if drv.env.contains_key(&k) {
                return Err(duplicate("environment variable", k));
            }
            drv.env.insert(k, v);
        }
        r.expect(")")?;
        r.expect_end()?;
        Ok(drv)
    }

    /// The store path of this derivation's `.drv` file: a text path named
    /// `<name>.drv` over its ATerm, referencing its inputs.
    pub fn store_path(&self, store: &StoreDir) -> Result<StorePath, DerivationError> {
        let text = self.to_aterm(store);
        let hash = Hash::digest(HashAlgo::Sha256, &text);
        Ok(store.make_text_path(&format!("{}.drv", self.name), &hash, self.references())?)
    }
}

fn duplicate(kind: &'static str, key: String) -> DerivationError {
    DerivationError::Duplicate { kind, key }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `.drv` files written by `nix-instantiate --store <tmp>` (Nix 2.8),
    /// as (store path, contents).
    pub(crate) const DRVS: &[(&str, &str)] = &[
        (
            "/nix/store/y6bi4f35kpvf10ima20p8s9ijnbqydpg-fo-flat.drv",
            r#"Derive([("out","/nix/store/ybr3w13y9gx7q02m9d0d53c5fw21lpg7-fo-flat","sha256","2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")],[],[],"x86_64-linux","/bin/sh",["-c","echo hello > $out"],[("builder","/bin/sh"),("name","fo-flat"),("out","/nix/store/ybr3w13y9gx7q02m9d0d53c5fw21lpg7-fo-flat"),("outputHash","2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),("outputHashAlgo","sha256"),("outputHashMode","flat"),("system","x86_64-linux")])"#,
        ),
        (
            "/nix/store/ipq7h19vgxx8fx1q6nncrgffi11mvf6q-fo-sha1.drv",
            r#"Derive([("out","/nix/store/h6dpg3ixcjqk7763wkg6n3fs886yqz5j-fo-sha1","sha1","aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","fo-sha1"),("out","/nix/store/h6dpg3ixcjqk7763wkg6n3fs886yqz5j-fo-sha1"),("outputHash","aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),("outputHashAlgo","sha1"),("outputHashMode","flat"),("system","x86_64-linux")])"#,
        ),
        (
            "/nix/store/ngj3ij8cfp8fxrxx1kcwa98iparlbrmk-fo-rec.drv",
            r#"Derive([("out","/nix/store/90pzgv8d2k9zh79ly8nypapp59g0j376-fo-rec","r:sha256","2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","fo-rec"),("out","/nix/store/90pzgv8d2k9zh79ly8nypapp59g0j376-fo-rec"),("outputHash","2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),("outputHashAlgo","sha256"),("outputHashMode","recursive"),("system","x86_64-linux")])"#,
        ),
        (
            "/nix/store/7561z44nqnbxwky614qj4fqsa1xjvcm1-fo-rec-sha1.drv",
            r#"Derive([("out","/nix/store/8ch8br634qfdwml3zs2lxhzkqqkhflnq-fo-rec-sha1","r:sha1","aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","fo-rec-sha1"),("out","/nix/store/8ch8br634qfdwml3zs2lxhzkqqkhflnq-fo-rec-sha1"),("outputHash","aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),("outputHashAlgo","sha1"),("outputHashMode","recursive"),("system","x86_64-linux")])"#,
        ),
        (
            "/nix/store/hlah1mgqjjs284vjhvh1igy8illxl0py-simple.drv",
            r#"Derive([("out","/nix/store/kafp82iai6s0ppvg0mnqi481k2302s9p-simple","","")],[],["/nix/store/dm32cfc2rfvl136f0zncc3gpb4q01bwx-builder.sh"],"x86_64-linux","/bin/sh",["-e","/nix/store/dm32cfc2rfvl136f0zncc3gpb4q01bwx-builder.sh"],[("builder","/bin/sh"),("name","simple"),("out","/nix/store/kafp82iai6s0ppvg0mnqi481k2302s9p-simple"),("system","x86_64-linux")])"#,
        ),
        (
            "/nix/store/1c2as6d3wxrxwb0c0xq6pjkzvnlicw15-tabs.drv",
            r#"Derive([("out","/nix/store/25rli2c787hygk11z5qw6sxgak9blfwp-tabs","","")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","tabs"),("out","/nix/store/25rli2c787hygk11z5qw6sxgak9blfwp-tabs"),("s","t\tr\rend"),("system","x86_64-linux")])"#,
        ),
        (
            "/nix/store/3h44q8ldmrj75d7cmjq8z9mzzqswsjvs-multi.drv",
            r#"Derive([("dev","/nix/store/8baq9aglipy1xgs5ln6c31vv2awm1v27-multi-dev","",""),("lib","/nix/store/lblr6gl584a8fvc3asfyppdxw7n9jcq9-multi-lib","",""),("out","/nix/store/z4qwz7yvgq3zavfv0smnr2qmw90ymj8m-multi","","")],[("/nix/store/hlah1mgqjjs284vjhvh1igy8illxl0py-simple.drv",["out"]),("/nix/store/ngj3ij8cfp8fxrxx1kcwa98iparlbrmk-fo-rec.drv",["out"]),("/nix/store/y6bi4f35kpvf10ima20p8s9ijnbqydpg-fo-flat.drv",["out"])],[],"x86_64-linux","/bin/sh",["-c","/nix/store/kafp82iai6s0ppvg0mnqi481k2302s9p-simple/bin /nix/store/ybr3w13y9gx7q02m9d0d53c5fw21lpg7-fo-flat /nix/store/90pzgv8d2k9zh79ly8nypapp59g0j376-fo-rec"],[("builder","/bin/sh"),("dep","/nix/store/kafp82iai6s0ppvg0mnqi481k2302s9p-simple"),("dev","/nix/store/8baq9aglipy1xgs5ln6c31vv2awm1v27-multi-dev"),("extra","a\"b\\c\nd"),("lib","/nix/store/lblr6gl584a8fvc3asfyppdxw7n9jcq9-multi-lib"),("name","multi"),("out","/nix/store/z4qwz7yvgq3zavfv0smnr2qmw90ymj8m-multi"),("outputs","out dev lib"),("system","x86_64-linux")])"#,
        ),
        (
            "/nix/store/a078iz5saqdyg4k72r1iylflsxamk6xm-dependent.drv",
            r#"Derive([("out","/nix/store/2azc49lsvqsrklrl4cn47nynfpyaa8xd-dependent","","")],[("/nix/store/3h44q8ldmrj75d7cmjq8z9mzzqswsjvs-multi.drv",["dev","lib"]),("/nix/store/hlah1mgqjjs284vjhvh1igy8illxl0py-simple.drv",["out"]),("/nix/store/y6bi4f35kpvf10ima20p8s9ijnbqydpg-fo-flat.drv",["out"])],[],"x86_64-linux","/nix/store/kafp82iai6s0ppvg0mnqi481k2302s9p-simple/bin/sh",[],[("builder","/nix/store/kafp82iai6s0ppvg0mnqi481k2302s9p-simple/bin/sh"),("fo","/nix/store/ybr3w13y9gx7q02m9d0d53c5fw21lpg7-fo-flat"),("inp","/nix/store/8baq9aglipy1xgs5ln6c31vv2awm1v27-multi-dev"),("name","dependent"),("other","/nix/store/lblr6gl584a8fvc3asfyppdxw7n9jcq9-multi-lib"),("out","/nix/store/2azc49lsvqsrklrl4cn47nynfpyaa8xd-dependent"),("system","x86_64-linux")])"#,
        ),
    ];

    /// Parses one of [`DRVS`], deriving the name from the path.
    pub(crate) fn load(path: &str, text: &str) -> (StorePath, Derivation) {
        let store = StoreDir::default();
        let sp = store.parse_path(path).unwrap();
        let name = sp.name().strip_suffix(".drv").unwrap().to_owned();
        let drv = Derivation::from_aterm(&store, text, &name).unwrap();
        (sp, drv)
    }

    #[test]
    fn parse_print_round_trip_and_drv_path() {
        let store = StoreDir::default();
        for (path, text) in DRVS {
            let (sp, drv) = load(path, text);
            assert_eq!(drv.to_aterm(&store), *text, "{path}");
            assert_eq!(drv.store_path(&store).unwrap(), sp, "{path}");
        }
    }

    #[test]
    fn parsed_fields() {
        let (_, drv) = load(DRVS[7].0, DRVS[7].1);
        assert_eq!(drv.name, "dependent");
        assert_eq!(drv.input_drvs.len(), 3);
        let multi: StorePath = "3h44q8ldmrj75d7cmjq8z9mzzqswsjvs-multi.drv"
            .parse()
            .unwrap();
        let outs: Vec<&str> = drv.input_drvs[&multi].iter().map(String::as_str).collect();
        assert_eq!(outs, ["dev", "lib"]);
        assert!(drv.fixed_output().unwrap().is_none());
        let (_, multi) = load(DRVS[6].0, DRVS[6].1);
        assert_eq!(multi.env["extra"], "a\"b\\c\nd");
        let (_, fo) = load(DRVS[2].0, DRVS[2].1);
        let (method, hash) = fo.fixed_output().unwrap().unwrap();
        assert_eq!(method, FileIngestionMethod::Recursive);
        assert_eq!(hash, Hash::digest(HashAlgo::Sha256, "hello"));
        assert_eq!(
            DerivationOutput::fixed(method, &hash, None).hash_algo,
            "r:sha256"
        );
    }

    #[test]
    fn parse_errors() {
        let store = StoreDir::default();
        let bad = [
            "Derive([],[],[],\"s\",\"b\",[],[]",
            "Derive([],[],[],\"s\",\"b\",[],[])x",
            "Derive([(\"out\",\"/tmp/x\",\"\",\"\")],[],[],\"s\",\"b\",[],[])",
            "Derive([],[],[],\"s\",\"b\",[],[(\"a\",\"1\"),(\"a\",\"2\")])",
            "Derivation([],[],[],\"s\",\"b\",[],[])",
        ];
        for text in bad {
            assert!(Derivation::from_aterm(&store, text, "x").is_err(), "{text}");
        }
        assert!(matches!(
            Derivation::from_aterm_bytes(&store, b"Derive(\xff", "x"),
            Err(DerivationError::NotUtf8)
        ));
        let ok = Derivation::from_aterm(&store, "Derive([],[],[],\"s\",\"b\",[],[])", "x");
        assert!(ok.is_ok());
    }
}
