//! Fetchers through the binary: `builtins.fetchurl`, `builtins.fetchTarball` and
//! `builtin:fetchurl` (`<nix/fetchurl.nix>`), against a server on 127.0.0.1 and
//! `file://` URLs, on relocated stores, with Nix 2.8 as the oracle for store paths.

#[path = "support/http_server.rs"]
mod http_server;

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use http_server::Server;

const BIN: &str = env!("CARGO_BIN_EXE_sysrebuild");

/// A temporary directory with a served subdirectory (`www/`) and stores.
struct Env {
    dir: tempfile::TempDir,
    server: Server,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir(dir.path().join("www")).expect("www");
        let server = Server::start(dir.path().join("www"));
        Env { dir, server }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `www/NAME` and returns its `http://` and `file://` URLs.
    fn serve(&self, name: &str, bytes: &[u8]) -> (String, String) {
        let path = self.path("www").join(name);
        fs::write(&path, bytes).expect("write served file");
        (
            self.server.url(&format!("/{name}")),
            format!("file://{}", path.display()),
        )
    }

    fn ours(&self) -> PathBuf {
        self.path("ours")
    }

    /// Runs `sysrebuild ARGS` in the directory, on the store `ours/`.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(self.dir.path())
            .env("SYSREBUILD_STORE", self.ours())
            .env_remove("NIX_PATH")
            .output()
            .expect("run sysrebuild")
    }

    /// Runs a Nix 2.8 tool on the store `nix/`, with its state and caches in the
    /// temporary directory; `None` when Nix is not installed.
    fn nix(&self, tool: &str, args: &[&str]) -> Option<Output> {
        let mut cmd = Command::new(tool);
        cmd.arg("--store")
            .arg(self.path("nix"))
            .args(["--option", "substituters", ""])
            .args(args)
            .current_dir(self.dir.path())
            .env("NIX_STATE_DIR", self.path("nix-state"))
            .env("NIX_CONF_DIR", self.path("nix-conf"))
            .env("HOME", self.path("home"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .env_remove("NIX_PATH");
        match cmd.output() {
            Ok(o) => Some(o),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("NOTE: {tool} is not installed; the comparison with Nix is skipped");
                None
            }
            Err(e) => panic!("cannot run {tool}: {e}"),
        }
    }

    /// `nix-store ARGS` on our store (Nix as the reader of what sysrebuild wrote).
    fn nix_store_on_ours(&self, args: &[&str]) -> Option<Output> {
        let mut cmd = Command::new("nix-store");
        cmd.arg("--store")
            .arg(self.ours())
            .args(args)
            .env("NIX_STATE_DIR", self.path("nix-state"))
            .env("NIX_CONF_DIR", self.path("nix-conf"))
            .env("HOME", self.path("home"));
        cmd.output().ok()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "failed: {}\n{}", stderr(o), stdout(o));
    stdout(o)
}

/// The store paths in an output, in order.
fn store_paths(text: &str) -> Vec<String> {
    text.split(|c: char| c == '"' || c.is_whitespace())
        .filter(|s| s.starts_with("/nix/store/"))
        .map(str::to_owned)
        .collect()
}

/// A tarball with one top-level directory `top/`: a file, an executable, a symlink and
/// a subdirectory.
fn tarball() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8], mode: u32, kind: tar::EntryType, link: &str| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(mode);
        h.set_mtime(1_600_000_000);
        h.set_entry_type(kind);
        if !link.is_empty() {
            h.set_link_name(link).expect("link name");
        }
        b.append_data(&mut h, name, data).expect("append");
    };
    add("top/", b"", 0o755, tar::EntryType::Directory, "");
    add(
        "top/README",
        b"read me\n",
        0o644,
        tar::EntryType::Regular,
        "",
    );
    add(
        "top/bin/run",
        b"#!/bin/sh\necho run\n",
        0o755,
        tar::EntryType::Regular,
        "",
    );
    add("top/link", b"", 0o777, tar::EntryType::Symlink, "README");
    b.into_inner().expect("tar")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(data).expect("bzip2");
    e.finish().expect("bzip2")
}

/// SHA-256 of `data` in Nix's base-32.
fn nix32_sha256(data: &[u8]) -> String {
    sysrebuild::store::hash::Hash::digest(sysrebuild::store::hash::HashAlgo::Sha256, data)
        .to_nix32()
}

/// SHA-256 of `data` as SRI.
fn sri(data: &[u8]) -> String {
    sysrebuild::store::hash::Hash::digest(sysrebuild::store::hash::HashAlgo::Sha256, data).to_sri()
}

#[test]
fn fetchers_give_the_paths_nix_gives() {
    let env = Env::new();
    let tar = tarball();
    // Compression is recognised by content: these names say nothing (or lie).
    let (gz_http, _) = env.serve("src-gz", &gzip(&tar));
    let (_, xz_file) = env.serve("src.tar.gz", &liblzma::encode_all(&tar[..], 1).unwrap());
    let (bz_http, _) = env.serve("src.tar.bz2", &bzip2(&tar));
    let (_, zst_file) = env.serve("src.tar.zst", &zstd::encode_all(&tar[..], 1).unwrap());
    let (plain_http, _) = env.serve("src.tar", &tar);
    let (file_http, file_file) = env.serve("notes.txt", b"some notes\n");
    let expr = format!(
        r#"[
          (builtins.fetchTarball "{gz_http}")
          (builtins.fetchTarball {{ url = "{xz_file}"; name = "xz-src"; }})
          (builtins.fetchTarball {{ url = "{bz_http}"; }})
          (builtins.fetchTarball "{zst_file}")
          (builtins.fetchTarball "{plain_http}")
          (builtins.fetchurl "{file_http}")
          (builtins.fetchurl {{ url = "{file_file}"; sha256 = "{}"; name = "renamed"; }})
        ]"#,
        nix32_sha256(b"some notes\n")
    );
    let ours = store_paths(&ok(&env.run(&["eval", "--strict", "-E", &expr])));
    assert_eq!(ours.len(), 7, "{ours:?}");
    // Every tarball unpacks to the same tree: one path, named `source` unless renamed.
    assert!(ours[0].ends_with("-source"), "{ours:?}");
    assert!(ours[1].ends_with("-xz-src"), "{ours:?}");
    for p in [&ours[2], &ours[3], &ours[4]] {
        assert_eq!(p, &ours[0]);
    }
    assert!(ours[5].ends_with("-notes.txt") && ours[6].ends_with("-renamed"));
    if let Some(o) = env.nix("nix-instantiate", &["--eval", "--strict", "-E", &expr]) {
        assert_eq!(store_paths(&ok(&o)), ours, "{}", stderr(&o));
    }
}

#[test]
fn fetched_paths_are_registered_and_valid_to_nix() {
    let env = Env::new();
    let tar = tarball();
    let (url, _) = env.serve("pkg-1.0.tar.xz", &liblzma::encode_all(&tar[..], 1).unwrap());
    let (file_url, _) = env.serve("patch.diff", b"--- a\n+++ b\n");
    fs::write(
        env.path("default.nix"),
        format!(
            r#"derivation {{
              name = "uses-sources"; system = builtins.currentSystem; builder = "/bin/sh";
              src = builtins.fetchTarball "{url}";
              patch = builtins.fetchurl "{file_url}";
            }}"#
        ),
    )
    .unwrap();
    let drv = ok(&env.run(&["instantiate", "--store", "ours"]));
    let drv = drv.trim();
    let text = fs::read_to_string(env.ours().join(drv.trim_start_matches('/'))).unwrap();
    let sources = store_paths(&text.replace(['[', ']', '(', ')', ','], " "));
    let src = sources
        .iter()
        .find(|p| p.ends_with("-source"))
        .expect("src in inputSrcs");
    let real = env.ours().join(src.trim_start_matches('/'));
    assert_eq!(fs::read(real.join("README")).unwrap(), b"read me\n");
    assert_eq!(
        fs::read_link(real.join("link")).unwrap(),
        Path::new("README")
    );
    let mode = fs::metadata(real.join("bin/run"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111);
    // sysrebuild's own view, then Nix's.
    let verify = env.run(&["store", "verify", "--check-contents"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    let Some(nix) = env.nix("nix-instantiate", &[]) else {
        return;
    };
    assert_eq!(ok(&nix).trim(), drv, "the .drv paths differ");
    if let Some(o) = env.nix_store_on_ours(&["--verify-path", src]) {
        assert!(o.status.success(), "nix-store: {}", stderr(&o));
    }
    let ours_hash = env
        .nix_store_on_ours(&["-q", "--hash", src])
        .map(|o| ok(&o));
    let nix_hash = env.nix("nix-store", &["-q", "--hash", src]).map(|o| ok(&o));
    assert_eq!(ours_hash, nix_hash);
}

#[test]
fn a_wrong_hash_names_both_hashes_and_adds_nothing() {
    let env = Env::new();
    let (url, _) = env.serve("data.bin", b"the real data");
    let (tar_url, _) = env.serve("t.tar.gz", &gzip(&tarball()));
    let wrong = nix32_sha256(b"other data");
    let right = nix32_sha256(b"the real data");
    fs::write(
        env.path("default.nix"),
        format!(
            r#"{{
              file = derivation {{ name = "f"; system = "x"; builder = "/bin/sh";
                src = builtins.fetchurl {{ url = "{url}"; sha256 = "{wrong}"; }}; }};
              tree = derivation {{ name = "t"; system = "x"; builder = "/bin/sh";
                src = builtins.fetchTarball {{ url = "{tar_url}"; hash = "sha256-{}"; }}; }};
            }}"#,
            "A".repeat(43) + "="
        ),
    )
    .unwrap();
    let o = env.run(&["instantiate", "--store", "ours", "-A", "file"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("hash mismatch in file downloaded from '{url}'"))
            && err.contains(&format!(
                "specified: {} (sha256:{wrong})",
                sri(b"other data")
            ))
            && err.contains(&format!(
                "got:       {} (sha256:{right})",
                sri(b"the real data")
            ))
            && err.contains("default.nix:3:"),
        "{err}"
    );
    let o = env.run(&["instantiate", "--store", "ours", "-A", "tree"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("specified: sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        "{}",
        stderr(&o)
    );
    // Nothing fetched was registered: the right file's path is not valid.
    let right_path = ok(&env.run(&["eval", "-E", &format!(r#"builtins.fetchurl "{url}""#)]));
    let right_path = store_paths(&right_path).remove(0);
    assert!(
        !env.run(&["store", "path-info", &right_path])
            .status
            .success()
    );
}

#[test]
fn unhashed_fetches_are_impure_and_cached_per_evaluation() {
    let env = Env::new();
    let (url, _) = env.serve("once.txt", b"once\n");
    let expr =
        format!(r#"[ (builtins.fetchurl "{url}") (builtins.fetchurl {{ url = "{url}"; }}) ]"#);
    let paths = store_paths(&ok(&env.run(&["eval", "--strict", "-E", &expr])));
    assert_eq!(paths.len(), 2);
    assert_eq!(paths[0], paths[1]);
    assert_eq!(
        env.server.hits("/once.txt"),
        1,
        "fetched once per evaluation"
    );
    let o = env.run(&[
        "eval",
        "--pure-eval",
        "-E",
        &format!(r#"builtins.fetchurl "{url}""#),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("in pure evaluation mode, 'fetchurl' requires a 'sha256' argument"),
        "{}",
        stderr(&o)
    );
    let pinned = format!(
        r#"builtins.fetchurl {{ url = "{url}"; sha256 = "{}"; }}"#,
        nix32_sha256(b"once\n")
    );
    let o = env.run(&["eval", "--pure-eval", "-E", &pinned]);
    assert_eq!(store_paths(&ok(&o)), paths[..1]);
}

#[test]
fn download_failures_and_bad_arguments_are_clear_errors() {
    let env = Env::new();
    let missing = env.server.url("/nothing-here.tar.gz");
    let o = env.run(&[
        "eval",
        "-E",
        &format!(r#"builtins.fetchTarball "{missing}""#),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("unable to download '{missing}': HTTP error 404")),
        "{}",
        stderr(&o)
    );
    let (not_tar, _) = env.serve("two.tar", &{
        let mut b = tar::Builder::new(Vec::new());
        for name in ["a", "b"] {
            let mut h = tar::Header::new_gnu();
            h.set_size(1);
            h.set_mode(0o644);
            b.append_data(&mut h, name, &b"x"[..]).unwrap();
        }
        b.into_inner().unwrap()
    });
    let o = env.run(&[
        "eval",
        "-E",
        &format!(r#"builtins.fetchTarball "{not_tar}""#),
    ]);
    assert!(
        stderr(&o).contains("contains an unexpected number of top-level files"),
        "{}",
        stderr(&o)
    );
    let o = env.run(&[
        "eval",
        "-E",
        r#"builtins.fetchurl { url = "file:///x"; md5 = ""; }"#,
    ]);
    assert!(
        stderr(&o).contains("unsupported argument 'md5' to 'fetchurl'"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"));
}

/// A file using `<nix/fetchurl.nix>` in the ways nixpkgs' bootstrap does.
fn fetchurl_nix(env: &Env) -> (String, Vec<u8>) {
    let tar = zstd::encode_all(&tarball()[..], 1).unwrap();
    let (plain, _) = env.serve("hello.txt", b"hello\n");
    let (_, script) = env.serve("tool.sh", b"#!/bin/sh\necho tool\n");
    let (tar_url, _) = env.serve("unpack-me.tar.zst", &tar);
    let missing = env.server.url("/gone.txt");
    let script_nar = {
        // The NAR hash of an executable file, computed by sysrebuild's NAR writer.
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        fs::write(&f, b"#!/bin/sh\necho tool\n").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o755)).unwrap();
        sysrebuild::store::nar::nar_hash(&f).unwrap().0.to_sri()
    };
    let tree_nar = {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.tar.zst");
        fs::write(&a, &tar).unwrap();
        let into = dir.path().join("u");
        fs::create_dir(&into).unwrap();
        let top = sysrebuild::fetch::unpack_tarball(&a, "x", &into).unwrap();
        sysrebuild::store::nar::nar_hash(&top).unwrap().0.to_sri()
    };
    let nix = format!(
        r#"let fetchurl = import <nix/fetchurl.nix>; in {{
          plain = fetchurl {{ url = "{plain}"; sha256 = "{}"; }};
          exe = fetchurl {{ url = "{script}"; hash = "{script_nar}"; executable = true; name = "tool"; }};
          tree = fetchurl {{ url = "{tar_url}"; hash = "{tree_nar}"; unpack = true; }};
          mirrors = derivation {{
            name = "mirrored"; builder = "builtin:fetchurl"; system = "builtin";
            url = "{missing}"; urls = [ "{missing}" "{plain}" ];
            outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "{}";
          }};
          wrong = fetchurl {{ url = "{plain}"; sha256 = "{}"; }};
        }}"#,
        nix32_sha256(b"hello\n"),
        nix32_sha256(b"hello\n"),
        nix32_sha256(b"goodbye\n"),
    );
    (nix, tar)
}

#[test]
fn builtin_fetchurl_builds_the_outputs_nix_computes() {
    let env = Env::new();
    let (nix, _) = fetchurl_nix(&env);
    fs::write(env.path("default.nix"), nix).unwrap();
    let mut outs = Vec::new();
    for attr in ["plain", "exe", "tree", "mirrors"] {
        let o = env.run(&["build", "--store", "ours", "--no-out-link", "-A", attr]);
        let out = ok(&o).trim().to_owned();
        // Plain progress lines name the download and its size.
        let err = stderr(&o);
        assert!(
            err.contains("downloading '") && err.contains("downloaded '"),
            "{attr}: {err}"
        );
        outs.push(out);
    }
    let real = |p: &str| env.ours().join(p.trim_start_matches('/'));
    assert_eq!(fs::read(real(&outs[0])).unwrap(), b"hello\n");
    let exe = fs::metadata(real(&outs[1])).unwrap().permissions().mode();
    assert_eq!(exe & 0o777, 0o555, "executable output");
    assert_eq!(
        fs::read(real(&outs[2]).join("README")).unwrap(),
        b"read me\n"
    );
    assert_eq!(fs::read(real(&outs[3])).unwrap(), b"hello\n");
    assert_eq!(
        env.server.hits("/gone.txt"),
        1,
        "url first, then urls, once each"
    );
    // Valid to Nix, with the derivation as deriver.
    if let Some(o) = env.nix_store_on_ours(&["--verify-path", &outs[2]]) {
        assert!(o.status.success(), "nix-store: {}", stderr(&o));
    }
    // The same .drv and output paths as Nix 2.8's own <nix/fetchurl.nix>.
    let mut drvs = Vec::new();
    for attr in ["plain", "exe", "tree", "mirrors"] {
        let o = env.run(&["instantiate", "--store", "ours", "-A", attr]);
        drvs.push(ok(&o).trim().to_owned());
    }
    let Some(o) = env.nix(
        "nix-instantiate",
        &["-A", "plain", "-A", "exe", "-A", "tree", "-A", "mirrors"],
    ) else {
        return;
    };
    assert_eq!(store_paths(&ok(&o)), drvs);
    let o = env
        .nix(
            "nix-store",
            &[
                &["-q", "--outputs"][..],
                &drvs.iter().map(String::as_str).collect::<Vec<_>>(),
            ]
            .concat(),
        )
        .expect("nix-store");
    assert_eq!(store_paths(&ok(&o)), outs);
}

#[test]
fn builtin_fetchurl_reports_a_hash_mismatch_with_both_hashes() {
    let env = Env::new();
    let (nix, _) = fetchurl_nix(&env);
    fs::write(env.path("default.nix"), nix).unwrap();
    let o = env.run(&["build", "--store", "ours", "--no-out-link", "-A", "wrong"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("hash mismatch in fixed-output derivation '/nix/store/")
            && err.contains(&format!("(sha256:{})", nix32_sha256(b"goodbye\n")))
            && err.contains(&format!("(sha256:{})", nix32_sha256(b"hello\n"))),
        "{err}"
    );
    let out = ok(&env.run(&["eval", "-E", "(import ./default.nix).wrong.outPath"]));
    let out = store_paths(&out).remove(0);
    assert!(!env.run(&["store", "path-info", &out]).status.success());
}

/// Makes a store object writable and replaces its contents (a file) or removes a file
/// inside it (a directory).
fn corrupt(real: &Path) {
    let meta = fs::symlink_metadata(real).unwrap();
    if meta.is_dir() {
        fs::set_permissions(real, fs::Permissions::from_mode(0o755)).unwrap();
        let victim = fs::read_dir(real)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.symlink_metadata().unwrap().is_file())
            .expect("a file to remove");
        fs::remove_file(victim).unwrap();
    } else {
        fs::set_permissions(real, fs::Permissions::from_mode(0o644)).unwrap();
        fs::write(real, b"corrupted\n").unwrap();
    }
}

#[test]
fn verify_repair_rebuilds_or_refetches_and_says_what_it_cannot_repair() {
    let env = Env::new();
    let (nix, _) = fetchurl_nix(&env);
    fs::write(env.path("default.nix"), nix).unwrap();
    let (notes, _) = env.serve("notes.txt", b"notes\n");
    fs::write(
        env.path("other.nix"),
        format!(
            r#"{{
              shell = derivation {{ name = "made"; system = builtins.currentSystem;
                builder = "/bin/sh"; PATH = "/bin:/usr/bin";
                tree = (import ./default.nix).tree;
                args = [ "-c" "mkdir $out; echo a > $out/a; echo b > $out/b; ln -s $tree $out/tree" ]; }};
              fetched = derivation {{ name = "uses"; system = "x"; builder = "/bin/sh";
                src = builtins.fetchurl "{notes}"; }};
            }}"#
        ),
    )
    .unwrap();
    let build = |file: &str, attr: &str| {
        let o = env.run(&["build", "--no-sandbox", "--no-out-link", file, "-A", attr]);
        ok(&o).trim().to_owned()
    };
    let fetched_out = build("default.nix", "tree");
    let shell_out = build("other.nix", "shell");
    ok(&env.run(&[
        "instantiate",
        "--store",
        "ours",
        "other.nix",
        "-A",
        "fetched",
    ]));
    let evaluated = store_paths(&ok(&env.run(&[
        "eval",
        "-E",
        &format!(r#"builtins.fetchurl "{notes}""#),
    ])))
    .remove(0);
    let real = |p: &str| env.ours().join(p.trim_start_matches('/'));
    // The fetched tree vanishes (the shell output still refers to it); the others are
    // modified.
    let tree = real(&fetched_out);
    fs::set_permissions(&tree, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(tree.join("bin"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::remove_dir_all(&tree).unwrap();
    for p in [&shell_out, &evaluated] {
        corrupt(&real(p));
    }
    let o = env.run(&["store", "verify", "--check-contents"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "error: path '{fetched_out}' disappeared, but it still has valid referrers!"
        )),
        "{}",
        stderr(&o)
    );
    for p in [&shell_out, &evaluated] {
        assert!(
            stderr(&o).contains(&format!("error: path '{p}' was modified!")),
            "{}",
            stderr(&o)
        );
    }
    let o = env.run(&[
        "store",
        "verify",
        "--check-contents",
        "--repair",
        "--no-sandbox",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "path '{fetched_out}' repaired by rebuilding '/nix/store/"
        )) && err.contains(&format!(
            "path '{shell_out}' repaired by rebuilding '/nix/store/"
        )) && err.contains(&format!(
            "error: cannot repair '{evaluated}': no derivation is recorded as having produced it"
        )) && err.contains("1 store path(s) are damaged and could not be repaired"),
        "{err}"
    );
    assert_eq!(
        fs::read(real(&fetched_out).join("README")).unwrap(),
        b"read me\n"
    );
    assert_eq!(fs::read(real(&shell_out).join("a")).unwrap(), b"a\n");
    assert_eq!(
        fs::read(real(&shell_out).join("tree/README")).unwrap(),
        b"read me\n"
    );
    // Only the path nothing can rebuild is still damaged, for sysrebuild and for Nix.
    let o = env.run(&["store", "verify", "--check-contents"]);
    assert!(!stderr(&o).contains(&fetched_out) && !stderr(&o).contains(&shell_out));
    assert!(stderr(&o).contains(&evaluated), "{}", stderr(&o));
    for p in [&fetched_out, &shell_out] {
        if let Some(o) = env.nix_store_on_ours(&["--verify-path", p]) {
            assert!(o.status.success(), "nix-store: {}", stderr(&o));
        }
    }
}

#[test]
fn a_pinned_path_already_valid_is_not_fetched_again() {
    let env = Env::new();
    let (url, _) = env.serve("pinned.txt", b"pinned\n");
    fs::write(
        env.path("default.nix"),
        format!(
            r#"derivation {{ name = "p"; system = "x"; builder = "/bin/sh";
                 src = builtins.fetchurl {{ url = "{url}"; sha256 = "{}"; }}; }}"#,
            nix32_sha256(b"pinned\n")
        ),
    )
    .unwrap();
    let first = ok(&env.run(&["instantiate", "--store", "ours"]));
    let second = ok(&env.run(&["instantiate", "--store", "ours"]));
    assert_eq!(first, second);
    assert_eq!(
        env.server.hits("/pinned.txt"),
        1,
        "the second evaluation used the store"
    );
}
