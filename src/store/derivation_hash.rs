//! Hashing derivations modulo fixed-output derivations (Nix's
//! `hashDerivationModulo`), computing output paths, and a cache of modulo
//! hashes of input derivations.
//!
//! The modulo hash of a fixed-output derivation depends only on its output
//! (`fixed:out:<method><algo>:<hash>:<path>`), so changing how a tarball is
//! fetched does not change the paths of everything depending on it. For any
//! other derivation it is the SHA-256 of its ATerm in which every input
//! derivation path is replaced by the base16 of that input's modulo hash.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::derivation::{Derivation, DerivationError, OutputMode};
use super::hash::{Hash, HashAlgo};
use super::path::{StoreDir, StorePath};

impl Derivation {
    /// Nix's `hashDerivationModulo`. `input_hash` must return the modulo hash
    /// (computed with `mask_outputs == false`) of an input derivation; see
    /// [`DrvHashCache`]. With `mask_outputs`, output paths and the
    /// environment variables named after outputs are hashed as empty strings.
    pub fn hash_modulo<E: From<DerivationError>>(
        &self,
        store: &StoreDir,
        mask_outputs: bool,
        input_hash: &mut dyn FnMut(&StorePath) -> Result<Hash, E>,
    ) -> Result<Hash, E> {
        if let Some((method, hash)) = self.fixed_output()? {
            let out = self
                .outputs
                .get("out")
                .and_then(|o| o.path.as_ref())
                .ok_or_else(|| DerivationError::MissingOutputPath("out".to_owned()))?;
            let fingerprint = format!(
                "fixed:out:{}{}:{}:{}",
                method.prefix(),
                hash.algo(),
                hash.to_base16(),
                store.display(out)
            );
            return Ok(Hash::digest(HashAlgo::Sha256, fingerprint));
        }
        let mut inputs: BTreeMap<String, &BTreeSet<String>> = BTreeMap::new();
        for (path, outs) in &self.input_drvs {
            // Like Nix, a later input with an equal hash replaces the earlier.
            inputs.insert(input_hash(path)?.to_base16(), outs);
        }
        let mode = if mask_outputs {
            OutputMode::Masked
        } else {
            OutputMode::Full
        };
        let text = self.write_aterm(store, mode, inputs);
        Ok(Hash::digest(HashAlgo::Sha256, text))
    }

    /// Fills in the output paths and the matching environment variables the
    /// way `derivation` does: a fixed-output derivation gets the path of its
    /// content; otherwise outputs are blanked, the derivation is hashed modulo
    /// with masked outputs, and each output gets `make_output_path`.
    pub fn fill_output_paths<E: From<DerivationError>>(
        &mut self,
        store: &StoreDir,
        input_hash: &mut dyn FnMut(&StorePath) -> Result<Hash, E>,
    ) -> Result<(), E> {
        if let Some((method, hash)) = self.fixed_output()? {
            let none: [&StorePath; 0] = [];
            let path = store
                .make_fixed_output_path(method, &hash, &self.name, none, false)
                .map_err(DerivationError::from)?;
            self.env.insert("out".to_owned(), store.display(&path));
            if let Some(out) = self.outputs.get_mut("out") {
                out.path = Some(path);
            }
            return Ok(());
        }
        for (name, out) in self.outputs.iter_mut() {
            out.path = None;
            self.env.insert(name.clone(), String::new());
        }
        let hash = self.hash_modulo(store, true, input_hash)?;
        for (name, out) in self.outputs.iter_mut() {
            let path = store
                .make_output_path(name, &hash, &self.name)
                .map_err(DerivationError::from)?;
            self.env.insert(name.clone(), store.display(&path));
            out.path = Some(path);
        }
        Ok(())
    }
}

/// Memoised modulo hashes of derivations, keyed by `.drv` path.
///
/// Derivations come either from the store (through a caller-supplied loader)
/// or from memory (recorded with [`DrvHashCache::record`] as they are
/// created).
#[derive(Debug, Default, Clone)]
pub struct DrvHashCache {
    hashes: HashMap<StorePath, Hash>,
}

impl DrvHashCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cached modulo hash of `drv_path`, if known.
    pub fn get(&self, drv_path: &StorePath) -> Option<&Hash> {
        self.hashes.get(drv_path)
    }

    /// Records a known modulo hash.
    pub fn insert(&mut self, drv_path: StorePath, hash: Hash) {
        self.hashes.insert(drv_path, hash);
    }

    /// The (unmasked) modulo hash of the derivation at `drv_path`, loading
    /// it and, recursively, its inputs with `load` when not cached.
    pub fn hash_of<E: From<DerivationError>>(
        &mut self,
        store: &StoreDir,
        drv_path: &StorePath,
        load: &mut dyn FnMut(&StorePath) -> Result<Derivation, E>,
    ) -> Result<Hash, E> {
        if let Some(h) = self.hashes.get(drv_path) {
            return Ok(h.clone());
        }
        let drv = load(drv_path)?;
        let hash = drv.hash_modulo(store, false, &mut |p| self.hash_of(store, p, load))?;
        self.hashes.insert(drv_path.clone(), hash.clone());
        Ok(hash)
    }

    /// Computes and caches the modulo hash of an in-memory derivation stored
    /// (or about to be stored) at `drv_path`.
    pub fn record<E: From<DerivationError>>(
        &mut self,
        store: &StoreDir,
        drv_path: &StorePath,
        drv: &Derivation,
        load: &mut dyn FnMut(&StorePath) -> Result<Derivation, E>,
    ) -> Result<Hash, E> {
        let hash = drv.hash_modulo(store, false, &mut |p| self.hash_of(store, p, load))?;
        self.hashes.insert(drv_path.clone(), hash.clone());
        Ok(hash)
    }

    /// Fills in `drv`'s output paths (see [`Derivation::fill_output_paths`]),
    /// resolving inputs through this cache.
    pub fn fill_output_paths<E: From<DerivationError>>(
        &mut self,
        store: &StoreDir,
        drv: &mut Derivation,
        load: &mut dyn FnMut(&StorePath) -> Result<Derivation, E>,
    ) -> Result<(), E> {
        drv.fill_output_paths(store, &mut |p| self.hash_of(store, p, load))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::derivation::DerivationOutput;
    use crate::store::derivation::tests::{DRVS, load};

    fn all() -> HashMap<StorePath, Derivation> {
        DRVS.iter().map(|(p, t)| load(p, t)).collect()
    }

    #[test]
    fn output_paths_match_nix() {
        let store = StoreDir::default();
        let drvs = all();
        let mut cache = DrvHashCache::new();
        let mut loader = |p: &StorePath| {
            drvs.get(p)
                .cloned()
                .ok_or_else(|| DerivationError::MissingOutputPath(p.to_string()))
        };
        for (path, text) in DRVS {
            let (_, expected) = load(path, text);
            let mut drv = expected.clone();
            let names: Vec<String> = drv.outputs.keys().cloned().collect();
            for name in names {
                drv.env.insert(name.clone(), String::new());
                if let Some(out) = drv.outputs.get_mut(&name) {
                    out.path = None;
                }
            }
            cache
                .fill_output_paths(&store, &mut drv, &mut loader)
                .unwrap();
            assert_eq!(drv, expected, "{path}");
            assert_eq!(drv.to_aterm(&store), *text);
        }
    }

    #[test]
    fn build_simple_from_scratch() {
        // Rebuild `simple` the way the `derivation` builtin would.
        let store = StoreDir::default();
        let src = store
            .parse_path("/nix/store/dm32cfc2rfvl136f0zncc3gpb4q01bwx-builder.sh")
            .unwrap();
        let mut drv = Derivation {
            name: "simple".to_owned(),
            system: "x86_64-linux".to_owned(),
            builder: "/bin/sh".to_owned(),
            args: vec!["-e".to_owned(), store.display(&src)],
            ..Derivation::default()
        };
        drv.input_srcs.insert(src);
        for (k, v) in [
            ("builder", "/bin/sh"),
            ("name", "simple"),
            ("system", "x86_64-linux"),
        ] {
            drv.env.insert(k.to_owned(), v.to_owned());
        }
        drv.outputs
            .insert("out".to_owned(), DerivationOutput::input_addressed(None));
        let mut no_inputs = |p: &StorePath| Err(DerivationError::MissingOutputPath(p.to_string()));
        let mut cache = DrvHashCache::new();
        cache
            .fill_output_paths(&store, &mut drv, &mut no_inputs)
            .unwrap();
        let (sp, expected) = load(DRVS[4].0, DRVS[4].1);
        assert_eq!(drv, expected);
        assert_eq!(drv.store_path(&store).unwrap(), sp);
        let h = cache.record(&store, &sp, &drv, &mut no_inputs).unwrap();
        assert_eq!(cache.get(&sp), Some(&h));
    }

    #[test]
    fn fixed_output_modulo_hash_ignores_builder() {
        let store = StoreDir::default();
        let (_, a) = load(DRVS[0].0, DRVS[0].1);
        let mut b = a.clone();
        b.args.clear();
        b.builder = "/other".to_owned();
        let mut none = |p: &StorePath| -> Result<Hash, DerivationError> {
            Err(DerivationError::MissingOutputPath(p.to_string()))
        };
        let ha = a.hash_modulo(&store, false, &mut none).unwrap();
        let hb = b.hash_modulo(&store, false, &mut none).unwrap();
        assert_eq!(ha, hb);
        let out = "/nix/store/ybr3w13y9gx7q02m9d0d53c5fw21lpg7-fo-flat";
        let expected = Hash::digest(
            HashAlgo::Sha256,
            format!(
                "fixed:out:sha256:{}:{out}",
                Hash::digest(HashAlgo::Sha256, "hello").to_base16()
            ),
        );
        assert_eq!(ha, expected);
    }

    #[test]
    fn missing_input_is_reported() {
        let store = StoreDir::default();
        let (_, mut drv) = load(DRVS[7].0, DRVS[7].1);
        let mut cache = DrvHashCache::new();
        let mut nothing = |p: &StorePath| -> Result<Derivation, DerivationError> {
            Err(DerivationError::MissingOutputPath(p.to_string()))
        };
        assert!(
            cache
                .fill_output_paths(&store, &mut drv, &mut nothing)
                .is_err()
        );
    }
}
