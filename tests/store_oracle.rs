//! Checks the store primitives against Nix itself (`nix-store`,
//! `nix-instantiate`) on randomly generated inputs, using a relocated store in
//! a temporary directory so the host's `/nix` is never touched.
//!
//! Requires Nix on PATH (CI installs Debian's `nix-bin`). The random seed is
//! printed and can be fixed with `STORE_ORACLE_SEED`.

use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

use sysrebuild::store::derivation::{Derivation, DerivationError};
use sysrebuild::store::derivation_hash::DrvHashCache;
use sysrebuild::store::hash::{Hash, HashAlgo};
use sysrebuild::store::nar::{dump_path, nar_hash, nar_hash_with};
use sysrebuild::store::nar_restore::restore;
use sysrebuild::store::path::{FileIngestionMethod, StoreDir, StorePath};

/// A small xorshift generator; good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn name(&mut self) -> String {
        const CHARS: &[u8] =
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._?=";
        let len = 1 + self.below(12) as usize;
        let mut s: String = (0..len)
            .map(|_| char::from(CHARS[self.below(CHARS.len() as u64) as usize]))
            .collect();
        if s.starts_with('.') {
            s.replace_range(..1, "x");
        }
        s
    }
    fn bytes(&mut self) -> Vec<u8> {
        let len = match self.below(4) {
            0 => 0,
            1 => self.below(9),
            2 => self.below(100),
            _ => self.below(70_000),
        };
        (0..len).map(|_| self.next() as u8).collect()
    }
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a", "Z", " ", "\"", "\\", "\n", "\t", "\r", "$", "{", "é", "-",
        ];
        let len = self.below(20);
        (0..len)
            .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
            .collect()
    }
}

struct Nix {
    /// Root of the relocated store (`--store <root>`).
    root: PathBuf,
    home: PathBuf,
}

impl Nix {
    fn new(tmp: &Path) -> Nix {
        // Look on PATH ourselves: running even `nix-store --version` would
        // open (and initialise) the host's default store.
        let found = std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|d| d.join("nix-store").is_file())
        });
        if !found {
            panic!(
                "nix-store is not on PATH: the store oracle tests need Nix \
                 (e.g. `apt-get install nix-bin`)"
            );
        }
        let root = tmp.join("nixroot");
        let home = tmp.join("home");
        fs::create_dir_all(&home).unwrap();
        Nix { root, home }
    }

    fn run(&self, program: &str, args: &[&str]) -> Vec<u8> {
        let out = Command::new(program)
            .arg("--store")
            .arg(&self.root)
            .args(args)
            // Make the relocated store the default too, so nothing can fall
            // back to the host's /nix.
            .env("NIX_REMOTE", &self.root)
            .env("HOME", &self.home)
            .env("XDG_CACHE_HOME", self.home.join("cache"))
            .env("NIX_CONF_DIR", &self.home)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn run_line(&self, program: &str, args: &[&str]) -> String {
        String::from_utf8(self.run(program, args))
            .unwrap()
            .trim()
            .to_owned()
    }
}

fn seed() -> u64 {
    let s = std::env::var("STORE_ORACLE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1);
            t ^ u64::from(std::process::id())
        });
    eprintln!("STORE_ORACLE_SEED={s}");
    s | 1
}

fn make_tree(rng: &mut Rng, dir: &Path, depth: u32) {
    fs::create_dir(dir).unwrap();
    let n = rng.below(6);
    for _ in 0..n {
        let path = dir.join(rng.name());
        if path.symlink_metadata().is_ok() {
            continue;
        }
        match rng.below(if depth < 3 { 4 } else { 3 }) {
            0 | 1 => {
                fs::write(&path, rng.bytes()).unwrap();
                let mode = if rng.below(3) == 0 { 0o755 } else { 0o644 };
                fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            }
            2 => symlink(rng.name(), &path).unwrap(),
            _ => make_tree(rng, &path, depth + 1),
        }
    }
}

#[test]
fn nar_and_added_paths_match_nix_store() {
    let tmp = tempfile::tempdir().unwrap();
    let nix = Nix::new(tmp.path());
    let store = StoreDir::default();
    let mut rng = Rng(seed());
    let none: [&StorePath; 0] = [];
    for i in 0..8 {
        let tree = tmp.path().join(format!("case{i}")).join("tree");
        fs::create_dir_all(tree.parent().unwrap()).unwrap();
        make_tree(&mut rng, &tree, 0);
        let t = tree.to_str().unwrap();

        let nix_nar = nix.run("nix-store", &["--dump", t]);
        let mut ours = Vec::new();
        dump_path(&tree, &mut ours).unwrap();
        assert!(
            ours == nix_nar,
            "case {i}: NAR bytes differ from nix-store --dump"
        );

        let (sha256, size) = nar_hash(&tree).unwrap();
        assert_eq!(size, nix_nar.len() as u64);
        let added = nix.run_line("nix-store", &["--add", t]);
        let expected = store
            .make_source_path("tree", &sha256, none, false)
            .unwrap();
        assert_eq!(added, store.display(&expected), "case {i}: --add path");

        let (sha1, _) = nar_hash_with(HashAlgo::Sha1, &tree).unwrap();
        let added = nix.run_line("nix-store", &["--add-fixed", "--recursive", "sha1", t]);
        let expected = store
            .make_fixed_output_path(FileIngestionMethod::Recursive, &sha1, "tree", none, false)
            .unwrap();
        assert_eq!(
            added,
            store.display(&expected),
            "case {i}: --add-fixed -r sha1"
        );

        // Restoring Nix's NAR and dumping again must be lossless.
        let back = tmp.path().join(format!("case{i}")).join("restored");
        restore(nix_nar.as_slice(), &back).unwrap();
        let mut again = Vec::new();
        dump_path(&back, &mut again).unwrap();
        assert!(
            again == nix_nar,
            "case {i}: restore/dump round trip differs"
        );

        // A flat file added with each algorithm.
        let file = tmp.path().join(format!("case{i}")).join("file");
        let contents = rng.bytes();
        fs::write(&file, &contents).unwrap();
        for (algo, name) in [(HashAlgo::Sha256, "sha256"), (HashAlgo::Sha1, "sha1")] {
            let added = nix.run_line("nix-store", &["--add-fixed", name, file.to_str().unwrap()]);
            let h = Hash::digest(algo, &contents);
            let expected = store
                .make_fixed_output_path(FileIngestionMethod::Flat, &h, "file", none, false)
                .unwrap();
            assert_eq!(
                added,
                store.display(&expected),
                "case {i}: --add-fixed {name}"
            );
        }
    }
}

/// Quotes `s` as a Nix string literal.
fn nix_string(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn derivations_match_nix_instantiate() {
    let tmp = tempfile::tempdir().unwrap();
    let nix = Nix::new(tmp.path());
    let store = StoreDir::default();
    let mut rng = Rng(seed());
    let mut expr = String::from("let\n");
    let count = 6;
    for i in 0..count {
        let mut attrs = vec![
            format!("name = {};", nix_string(&format!("d{i}-{}", rng.name()))),
            "system = \"x86_64-linux\";".to_owned(),
            "builder = \"/bin/sh\";".to_owned(),
            format!(
                "args = [ {} {} ];",
                nix_string(&rng.text()),
                nix_string(&rng.text())
            ),
        ];
        for _ in 0..rng.below(4) {
            attrs.push(format!(
                "v{} = {};",
                rng.below(1000),
                nix_string(&rng.text())
            ));
        }
        if i > 0 {
            let dep = rng.below(i);
            attrs.push(format!("dep = \"${{d{dep}}}\";"));
        }
        match rng.below(3) {
            0 => attrs.push(r#"outputs = [ "out" "dev" ];"#.to_owned()),
            1 => {
                let content = rng.text();
                let h = Hash::digest(HashAlgo::Sha256, content.as_bytes());
                let mode = if rng.below(2) == 0 {
                    "flat"
                } else {
                    "recursive"
                };
                attrs.push(format!(
                    "outputHash = \"{}\"; outputHashAlgo = \"sha256\"; outputHashMode = \"{mode}\";",
                    h.to_base16()
                ));
            }
            _ => attrs.push(format!(
                "src = builtins.toFile \"src\" {};",
                nix_string(&rng.text())
            )),
        }
        // Deduplicate attribute names produced by the random `v` keys.
        let mut seen = std::collections::HashSet::new();
        attrs.retain(|a| seen.insert(a.split(" =").next().unwrap_or("").to_owned()));
        expr.push_str(&format!("  d{i} = derivation {{ {} }};\n", attrs.join(" ")));
    }
    expr.push_str("in [");
    for i in 0..count {
        expr.push_str(&format!(" d{i}"));
    }
    expr.push_str(" ]\n");
    let file = tmp.path().join("drvs.nix");
    fs::write(&file, &expr).unwrap();
    let out = String::from_utf8(nix.run("nix-instantiate", &[file.to_str().unwrap()])).unwrap();

    let read = |p: &StorePath| -> Result<Derivation, DerivationError> {
        let real = nix.root.join(store.display(p).trim_start_matches('/'));
        let bytes = fs::read(&real).unwrap_or_else(|e| panic!("{}: {e}", real.display()));
        let name = p.name().trim_end_matches(".drv");
        Derivation::from_aterm_bytes(&store, &bytes, name)
    };
    let mut loaded: HashMap<StorePath, Derivation> = HashMap::new();
    let mut cache = DrvHashCache::new();
    for line in out.lines() {
        let drv_path = store.parse_path(line.trim()).unwrap();
        let on_disk = read(&drv_path).unwrap();
        let real = nix.root.join(line.trim().trim_start_matches('/'));
        let text = fs::read_to_string(&real).unwrap();
        assert_eq!(on_disk.to_aterm(&store), text, "{line}: reprint differs");
        assert_eq!(
            on_disk.store_path(&store).unwrap(),
            drv_path,
            "{line}: drv path"
        );

        let mut fresh = on_disk.clone();
        let names: Vec<String> = fresh.outputs.keys().cloned().collect();
        for n in names {
            if let Some(o) = fresh.outputs.get_mut(&n) {
                o.path = None;
            }
            fresh.env.insert(n, String::new());
        }
        let mut load = |p: &StorePath| match loaded.get(p) {
            Some(d) => Ok(d.clone()),
            None => read(p),
        };
        cache
            .fill_output_paths(&store, &mut fresh, &mut load)
            .unwrap();
        assert_eq!(
            fresh, on_disk,
            "{line}: computed output paths differ\n{expr}"
        );
        loaded.insert(drv_path, on_disk);
    }
}
