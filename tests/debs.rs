//! Debian packages through `sysrebuild build`: fetching (`builtin:fetch-deb`), unpacking
//! (`builtin:unpack-deb`), `buildEnv` (`builtin:buildenv`) and the trivial builders,
//! which run in the sandbox with busybox from the archive.
//!
//! Real packages are pinned from the host's apt lists (`apt-cache show`) and downloaded
//! once into `$CARGO_TARGET_TMPDIR/debs` with `apt-get download`; the tests find them
//! there through `$SYSREBUILD_DEB_DIR`. Hand-made `.deb` files (malicious ones among
//! them) are written with the library's test writers.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

#[path = "support/http_server.rs"]
mod http_server;
#[path = "support/pinned_archive.rs"]
mod pinned_archive;

use http_server::Server;
use sysrebuild::debfile::ar::write_archive;
use sysrebuild::debfile::extract::testing::{TestEntry, tar};
use sysrebuild::store::hash::{Hash, HashAlgo};

const BIN: &str = env!("CARGO_BIN_EXE_sysrebuild");

/// The real packages the tests use (hello's closure and busybox).
const REAL: &[&str] = &[
    "hello",
    "libc6",
    "libgcc-s1",
    "gcc-12-base",
    "busybox-static",
];

/// One package's fields from apt's lists.
struct Pin {
    package: String,
    version: String,
    architecture: String,
    filename: String,
    sha256: String,
}

fn apt_pin(package: &str) -> Pin {
    let out = Command::new("apt-cache")
        .args(["show", "--no-all-versions", package])
        .output()
        .expect("run apt-cache");
    assert!(out.status.success(), "apt-cache show {package} failed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} for {package}"))
            .to_owned()
    };
    Pin {
        package: field("Package"),
        version: field("Version"),
        architecture: field("Architecture"),
        filename: field("Filename"),
        sha256: field("SHA256"),
    }
}

/// The pins of [`REAL`] as a Nix set, and the directory holding their `.deb` files.
fn real_debs() -> &'static (String, PathBuf) {
    static DEBS: OnceLock<(String, PathBuf)> = OnceLock::new();
    DEBS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("debs");
        fs::create_dir_all(&dir).expect("deb dir");
        let mut nix = String::from("{\n");
        for name in REAL {
            let pin = apt_pin(name);
            let file = dir.join(pin.filename.rsplit('/').next().expect("file name"));
            if !file.exists() {
                let tmp = dir.join("download");
                let _ = fs::remove_dir_all(&tmp);
                fs::create_dir_all(&tmp).expect("download dir");
                let out = Command::new("apt-get")
                    .args([
                        "download",
                        "-q",
                        &format!("{}={}", pin.package, pin.version),
                    ])
                    .current_dir(&tmp)
                    .output()
                    .expect("run apt-get");
                assert!(
                    out.status.success(),
                    "apt-get download {name}: {}",
                    stderr(&out)
                );
                let got = fs::read_dir(&tmp)
                    .expect("download dir")
                    .map(|e| e.expect("entry").path())
                    .find(|p| p.extension().is_some_and(|e| e == "deb"))
                    .expect("a downloaded .deb");
                fs::rename(got, &file).expect("move .deb");
            }
            nix.push_str(&format!(
                "  \"{}\" = {{ package = \"{}\"; version = \"{}\"; architecture = \"{}\"; \
                 filename = \"{}\"; sha256 = \"{}\"; }};\n",
                pin.package, pin.package, pin.version, pin.architecture, pin.filename, pin.sha256
            ));
        }
        nix.push_str("}\n");
        (nix, dir)
    })
}

/// The package set of the tests: the builders of `pkgs/` plus the real packages,
/// fetched and unpacked as `pkgs/deb.nix` does (a cycle, libc6 and libgcc-s1, is one
/// unpacked path).
const LIB: &str = r#"
let
  pins = import ./pins.nix;
  sanitise = v: builtins.replaceStrings [ ":" "~" ] [ "_" "-" ] v;
  fetch = p: derivation {
    name = "${p.package}_${sanitise p.version}_${p.architecture}.deb";
    system = "builtin";
    builder = "builtin:fetch-deb";
    outputHashMode = "flat";
    outputHashAlgo = "sha256";
    outputHash = p.sha256;
    inherit (p) package version architecture filename;
    mirrors = p.mirrors or "";
    preferLocalBuild = true;
  };
  unpack = members: deps:
    let first = builtins.head members; in
    derivation {
      name = "${first.package}-${sanitise first.version}";
      system = "builtin";
      builder = "builtin:unpack-deb";
      src = fetch first;
      srcs = map fetch members;
      inherit deps;
    };
  pkgs = import ROOT/pkgs/builders.nix { inherit pkgs; } // {
    busybox-static = unpack [ pins.busybox-static ] [ ];
    gcc-12-base = unpack [ pins.gcc-12-base ] [ ];
    libc6 = unpack [ pins.libc6 pins.libgcc-s1 ] [ pkgs.gcc-12-base ];
    hello = unpack [ pins.hello ] [ pkgs.libc6 ];
  };
in
{ inherit pins fetch unpack pkgs; }
"#;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new(nix: &str) -> Env {
        let (pins, _) = real_debs();
        let dir = tempfile::tempdir().expect("temp dir");
        let lib = LIB.replace("ROOT", env!("CARGO_MANIFEST_DIR"));
        fs::write(dir.path().join("lib.nix"), lib).expect("write lib.nix");
        fs::write(dir.path().join("pins.nix"), pins).expect("write pins.nix");
        fs::write(dir.path().join("default.nix"), nix).expect("write default.nix");
        Env { dir }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    fn real(&self, logical: &str) -> PathBuf {
        self.store().join(logical.trim_start_matches('/'))
    }

    /// Builds `default.nix` (attribute `attr` when not empty), with `deb_dir` as the
    /// local directory of `.deb` files.
    /// `path` (real) with every symlink into the store followed inside the relocated store.
    fn resolve(&self, path: &Path) -> PathBuf {
        let mut out = PathBuf::new();
        for c in path.components() {
            out.push(c);
            for _ in 0..40 {
                match fs::read_link(&out) {
                    Ok(t) if t.is_absolute() => out = self.real(&t.to_string_lossy()),
                    Ok(t) => {
                        out.pop();
                        out.push(t);
                    }
                    Err(_) => break,
                }
            }
        }
        out
    }

    fn build_with(&self, attr: &str, deb_dir: &Path) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(["build", "--no-out-link", "--store"])
            .arg(self.store())
            .current_dir(self.dir.path())
            .env("SYSREBUILD_DEB_DIR", deb_dir)
            .env_remove("SYSREBUILD_STORE");
        if !attr.is_empty() {
            cmd.args(["-A", attr]);
        }
        cmd.output().expect("run sysrebuild")
    }

    /// Builds `attr` with `--deb-dir dir` (and no `$SYSREBUILD_DEB_DIR`).
    fn build_with_option(&self, attr: &str, dir: &Path) -> Output {
        Command::new(BIN)
            .args(["build", "--no-out-link", "--store"])
            .arg(self.store())
            .arg("--deb-dir")
            .arg(dir)
            .args(["-A", attr])
            .current_dir(self.dir.path())
            .env_remove("SYSREBUILD_DEB_DIR")
            .env_remove("SYSREBUILD_STORE")
            .output()
            .expect("run sysrebuild")
    }

    fn build(&self, attr: &str) -> Output {
        self.build_with(attr, &real_debs().1)
    }

    /// Builds `attr` and returns the real path of its output.
    fn built(&self, attr: &str) -> PathBuf {
        let out = self.build(attr);
        assert!(
            out.status.success(),
            "building {attr} failed: {}",
            stderr(&out)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        self.real(stdout.lines().last().expect("an output path"))
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
}

/// A `.deb` made from `data` entries (uncompressed data.tar, gzip control.tar).
fn make_deb(package: &str, data: &[TestEntry<'_>]) -> Vec<u8> {
    use std::io::Write;
    let control = format!("Package: {package}\nVersion: 1.0\nArchitecture: all\n");
    let control_tar = tar(&[TestEntry::File("./control", control.as_bytes(), 0o644)]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&control_tar).expect("gzip");
    let control_gz = gz.finish().expect("gzip");
    let data_zst = zstd::encode_all(&tar(data)[..], 3).expect("zstd");
    write_archive(&[
        ("debian-binary", b"2.0\n"),
        ("control.tar.gz", &control_gz),
        ("data.tar.zst", &data_zst),
    ])
}

/// Writes `deb` into `dir` and returns the Nix pin for it.
fn pin_made_deb(dir: &Path, package: &str, deb: &[u8]) -> String {
    let name = format!("{package}_1.0_all.deb");
    fs::write(dir.join(&name), deb).expect("write .deb");
    let sha = Hash::digest(HashAlgo::Sha256, deb).to_base16();
    format!(
        "{{ package = \"{package}\"; version = \"1.0\"; architecture = \"all\"; \
         filename = \"pool/main/x/{package}/{name}\"; sha256 = \"{sha}\"; }}"
    )
}

#[test]
fn unpacks_real_packages_with_control_files_and_deps() {
    let env = Env::new("(import ./lib.nix).pkgs");
    let hello = env.built("hello");
    let bin = hello.join("usr/bin/hello");
    let elf = fs::read(&bin).expect("usr/bin/hello");
    assert_eq!(&elf[..4], b"\x7fELF");
    use std::os::unix::fs::PermissionsExt;
    assert_ne!(
        fs::metadata(&bin).expect("mode").permissions().mode() & 0o111,
        0
    );
    let control = read(&hello.join("DEBIAN/control"));
    assert!(control.contains("Package: hello\n"), "{control}");
    assert!(hello.join("DEBIAN/md5sums").is_file());

    let libc = env.built("libc6");
    let deps = read(&hello.join("nix-support/propagated-deps"));
    let libc_logical = format!(
        "/nix/store/{}",
        libc.file_name().expect("name").to_string_lossy()
    );
    assert_eq!(deps.trim(), libc_logical);
    // The cycle libc6 <-> libgcc-s1 is one path with both packages' files and controls.
    assert!(read(&libc.join("DEBIAN/control")).contains("Package: libc6\n"));
    assert!(read(&libc.join("DEBIAN/members/libgcc-s1/control")).contains("Package: libgcc-s1\n"));
    let gcc_s = [
        "lib/x86_64-linux-gnu/libgcc_s.so.1",
        "lib/aarch64-linux-gnu/libgcc_s.so.1",
    ];
    assert!(gcc_s.iter().any(|p| libc.join(p).is_file()));
    // Absolute symlinks stay as they are.
    let ld = libc.join("lib64/ld-linux-x86-64.so.2");
    if ld.symlink_metadata().is_ok() {
        assert!(fs::read_link(&ld).expect("link").is_absolute());
    }
}

#[test]
fn fetch_failure_names_the_package_and_every_back_end() {
    let env = Env::new(
        r#"let l = import ./lib.nix; in l.fetch (l.pins.hello // {
             version = "9.9-9"; filename = "pool/main/h/hello/hello_9.9-9_amd64.deb";
             mirrors = "file:///nonexistent/mirror"; })"#,
    );
    let empty = tempfile::tempdir().expect("temp dir");
    let out = env.build_with("", empty.path());
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("cannot fetch hello 9.9-9"), "{err}");
    assert!(err.contains("$SYSREBUILD_DEB_DIR"), "{err}");
    assert!(err.contains("apt's cache"), "{err}");
    assert!(err.contains("apt-get download hello=9.9-9"), "{err}");
    assert!(
        err.contains("file:///nonexistent/mirror/pool/main/h/hello/hello_9.9-9_amd64.deb"),
        "{err}"
    );
}

#[test]
fn fetch_from_an_http_mirror_after_a_404_and_through_apt() {
    let root = tempfile::tempdir().expect("temp dir");
    let deb = make_deb(
        "pkg-mirror",
        &[TestEntry::File("./usr/share/m", b"m", 0o644)],
    );
    let pool = root.path().join("debian/pool/main/x/pkg-mirror");
    fs::create_dir_all(&pool).expect("pool");
    let pin = pin_made_deb(&pool, "pkg-mirror", &deb);
    let server = Server::start(root.path().to_owned());
    let env = Env::new(&format!(
        r#"let l = import ./lib.nix; in {{
             made = l.fetch ({pin} // {{ mirrors = "{} {}"; }});
             hello = l.fetch (l.pins.hello // {{ mirrors = "{}"; }});
           }}"#,
        server.url("/missing"),
        server.url("/debian"),
        server.url("/debian"),
    ));
    let empty = tempfile::tempdir().expect("temp dir");
    let out = env.build_with("made", empty.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(fs::read(env.real(&path)).expect("fetched"), deb);
    let file = "pool/main/x/pkg-mirror/pkg-mirror_1.0_all.deb";
    assert_eq!(server.hits(&format!("/missing/{file}")), 1);
    assert_eq!(server.hits(&format!("/debian/{file}")), 1);

    // A package apt knows comes from apt's cache or apt-get download, before any mirror.
    let out = env.build_with("hello", empty.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let got = Hash::of_file(HashAlgo::Sha256, &env.real(&path)).expect("hash");
    let hello = apt_pin("hello");
    assert_eq!(got.to_base16(), hello.sha256);
    assert_eq!(server.hits(&format!("/debian/{}", hello.filename)), 0);
}

#[test]
fn wrong_hash_is_a_fixed_output_mismatch_naming_both_hashes() {
    let wrong = "0000000000000000000000000000000000000000000000000000000000000000";
    let env = Env::new(&format!(
        r#"let l = import ./lib.nix; in l.fetch (l.pins.hello // {{ sha256 = "{wrong}"; }})"#
    ));
    let out = env.build("");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("hash mismatch in fixed-output derivation"),
        "{err}"
    );
    let pin = apt_pin("hello");
    let actual = Hash::parse(&pin.sha256, Some(HashAlgo::Sha256)).expect("hash");
    assert!(
        err.contains(&actual.to_nix32()) || err.contains(&actual.to_sri()),
        "{err}"
    );
    let specified = Hash::parse(wrong, Some(HashAlgo::Sha256)).expect("hash");
    assert!(
        err.contains(&specified.to_nix32()) || err.contains(&specified.to_sri()),
        "{err}"
    );
}

#[test]
fn malicious_debs_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let debs = dir.path().join("debs");
    fs::create_dir_all(&debs).expect("debs");
    let dotdot = pin_made_deb(
        &debs,
        "evil-dotdot",
        &make_deb(
            "evil-dotdot",
            &[TestEntry::File("./usr/../../../escape", b"x", 0o644)],
        ),
    );
    let absolute = pin_made_deb(
        &debs,
        "evil-absolute",
        &make_deb(
            "evil-absolute",
            &[TestEntry::File("/tmp/escape", b"x", 0o644)],
        ),
    );
    let through_link = pin_made_deb(
        &debs,
        "evil-link",
        &make_deb(
            "evil-link",
            &[
                TestEntry::Symlink("./up", "../.."),
                TestEntry::File("./up/escape", b"x", 0o644),
            ],
        ),
    );
    let env = Env::new(&format!(
        "let l = import ./lib.nix; in {{ a = l.unpack [ {dotdot} ] [ ]; \
         b = l.unpack [ {absolute} ] [ ]; c = l.unpack [ {through_link} ] [ ]; }}"
    ));
    for (attr, reason) in [
        ("a", "it contains '..'"),
        ("b", "it is an absolute path"),
        ("c", "it lies below a symlink"),
    ] {
        let out = env.build_with(attr, &debs);
        assert!(!out.status.success(), "{attr} built");
        let err = stderr(&out);
        assert!(err.contains("refusing the archive entry"), "{err}");
        assert!(err.contains(reason), "{err}");
    }
    assert!(!env.store().join("escape").exists());
    assert!(!env.store().join("nix/escape").exists());
    assert!(!Path::new("/tmp/escape").exists());
}

#[test]
fn made_debs_unpack_with_zstd_and_gzip_and_cycles_merge() {
    let dir = tempfile::tempdir().expect("temp dir");
    let debs = dir.path().join("debs");
    fs::create_dir_all(&debs).expect("debs");
    let a = pin_made_deb(
        &debs,
        "pkg-a",
        &make_deb(
            "pkg-a",
            &[
                TestEntry::Dir("./"),
                TestEntry::File("./usr/bin/a", b"#!/bin/sh\n", 0o755),
                TestEntry::File("./usr/share/common", b"same", 0o644),
                TestEntry::CharDevice("./dev/null"),
            ],
        ),
    );
    let b = pin_made_deb(
        &debs,
        "pkg-b",
        &make_deb(
            "pkg-b",
            &[
                TestEntry::File("./usr/bin/b", b"b", 0o644),
                TestEntry::File("./usr/share/common", b"same", 0o644),
            ],
        ),
    );
    let c = pin_made_deb(
        &debs,
        "pkg-c",
        &make_deb("pkg-c", &[TestEntry::File("./usr/bin/a", b"other", 0o755)]),
    );
    let env = Env::new(&format!(
        "let l = import ./lib.nix; in {{ ab = l.unpack [ {a} {b} ] [ ]; \
         ac = l.unpack [ {a} {c} ] [ ]; }}"
    ));
    let out = env.build_with_option("ab", &debs);
    assert!(out.status.success(), "{}", stderr(&out));
    let ab = env.real(String::from_utf8_lossy(&out.stdout).trim());
    assert_eq!(read(&ab.join("usr/bin/b")), "b");
    assert_eq!(read(&ab.join("usr/share/common")), "same");
    assert!(!ab.join("dev/null").exists());
    assert!(read(&ab.join("DEBIAN/members/pkg-b/control")).contains("Package: pkg-b"));
    let out = env.build_with("ac", &debs);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("'usr/bin/a' is shipped by both pkg-a 1.0 and pkg-c 1.0"),
        "{err}"
    );
}

const TREES: &str = r#"
let
  l = import ./lib.nix;
  inherit (l.pkgs) runCommand buildEnv hiPrio;
  mk = name: script: runCommand name { } script;
in rec {
  a = mk "a" "mkdir -p $out/bin $out/usr/bin $out/share/a $out/DEBIAN; echo a > $out/bin/a; echo b > $out/usr/bin/b; echo x > $out/share/a/x; echo c > $out/DEBIAN/control";
  b = mk "b" "mkdir -p $out/usr/bin $out/share/b; echo c > $out/usr/bin/c; echo y > $out/share/b/y; echo same > $out/usr/bin/same";
  b2 = mk "b2" "mkdir -p $out/usr/bin; echo other > $out/usr/bin/c; echo same > $out/usr/bin/same";
  dep = mk "dep" "mkdir -p $out/lib; echo d > $out/lib/libd.so";
  withDep = mk "with-dep" "mkdir -p $out/bin $out/nix-support; echo w > $out/bin/w; echo ${dep} > $out/nix-support/propagated-deps";
  folded = buildEnv { name = "folded"; paths = [ a b withDep ]; };
  collision = buildEnv { name = "collision"; paths = [ b b2 ]; };
  settled = buildEnv { name = "settled"; paths = [ b (hiPrio b2) ]; };
  binOnly = buildEnv { name = "bin-only"; paths = [ a b ]; pathsToLink = [ "/bin" ]; };
}
"#;

#[test]
fn buildenv_folds_merged_usr_and_follows_propagated_deps() {
    let env = Env::new(TREES);
    let out = env.built("folded");
    for (path, contents) in [
        ("usr/bin/a", "a\n"),
        ("usr/bin/b", "b\n"),
        ("usr/bin/c", "c\n"),
        ("usr/bin/w", "w\n"),
        ("usr/lib/libd.so", "d\n"),
        ("share/a/x", "x\n"),
        ("share/b/y", "y\n"),
    ] {
        let link = out.join(path);
        let target = fs::read_link(&link)
            .or_else(|_| fs::read_link(link.parent().expect("parent")))
            .unwrap_or_else(|e| panic!("{path} is no link and not below one: {e}"));
        assert!(target.starts_with("/nix/store/"), "{}", target.display());
        // Follow the link inside the relocated store.
        let mut real = env.real(&target.to_string_lossy());
        if fs::read_link(&link).is_err() {
            real = real.join(link.file_name().expect("name"));
        }
        assert_eq!(read(&real), contents, "{path}");
    }
    assert!(
        fs::symlink_metadata(out.join("usr/bin"))
            .expect("usr/bin")
            .is_dir()
    );
    // A directory only one package has is one symlink.
    assert!(
        fs::symlink_metadata(out.join("share/a"))
            .expect("share/a")
            .file_type()
            .is_symlink()
    );
    assert!(!out.join("DEBIAN").exists() && !out.join("bin").exists());

    let only = env.built("binOnly");
    assert!(only.join("usr/bin").exists());
    assert!(!only.join("share").exists());
}

#[test]
fn buildenv_collisions_name_both_paths_and_priorities_settle_them() {
    let env = Env::new(TREES);
    let out = env.build("collision");
    assert!(!out.status.success());
    let err = stderr(&out);
    let b = env.built("b");
    let b2 = env.built("b2");
    let name = |p: &Path| p.file_name().expect("name").to_string_lossy().into_owned();
    assert!(err.contains("collision between"), "{err}");
    assert!(err.contains(&format!("{}/usr/bin/c", name(&b2))), "{err}");
    assert!(err.contains(&format!("{}/usr/bin/c", name(&b))), "{err}");
    assert!(err.contains("priority"), "{err}");
    // Identical files (usr/bin/same) are no collision; the higher priority wins c.
    let settled = env.built("settled");
    let c = fs::read_link(settled.join("usr/bin/c")).expect("usr/bin/c");
    assert!(c.to_string_lossy().contains(&name(&b2)), "{}", c.display());
    assert!(settled.join("usr/bin/same").symlink_metadata().is_ok());
}

#[test]
fn trivial_builders_run_in_the_sandbox_with_busybox_from_the_archive() {
    let env = Env::new(
        r##"
let
  l = import ./lib.nix;
  p = l.pkgs;
in rec {
  text = p.writeText "greeting" "hello\n";
  dir = p.writeTextDir "share/doc/x.txt" "x";
  script = p.writeScript "s" "#!/bin/sh\necho s";
  shell = p.writeShellScriptBin "hi" ''echo "hi from $1"'';
  ran = p.runCommand "ran" { } "${shell}/bin/hi sandbox > $out; test ! -e /bin/sh || echo host-sh >> $out";
  local = p.runCommandLocal "local" { greeting = "yo"; } "echo $greeting > $out; echo $PATH >> $out";
  farm = p.linkFarm "farm" [ { name = "a/text"; path = text; } { name = "b"; path = dir; } ];
  farmSet = p.linkFarm "farm-set" { t = text; };
  cat = p.concatText "cat" [ text (p.writeText "two" "two\n") ];
  sub = p.substitute {
    src = p.writeText "in" "a @x@ b old\n";
    substitutions = [ "--replace-fail" "old" "new" "--subst-var-by" "x" "X" ];
  };
  subFail = p.substitute { src = text; substitutions = [ "--replace-fail" "absent" "x" ]; };
  vars = p.replaceVars (p.writeText "v" "@a@ and @b@\n") { a = "1"; b = "2"; };
  all = p.substituteAll { src = p.writeText "all" "@who@!\n"; who = "everyone"; };
  join = p.symlinkJoin { name = "join"; paths = [ shell dir ]; };
}
"##,
    );
    assert_eq!(read(&env.built("text")), "hello\n");
    assert_eq!(read(&env.built("dir").join("share/doc/x.txt")), "x");
    let script = env.built("script");
    use std::os::unix::fs::PermissionsExt;
    assert_ne!(
        fs::metadata(&script).expect("mode").permissions().mode() & 0o111,
        0
    );
    let shell = read(&env.built("shell").join("bin/hi"));
    assert!(shell.starts_with("#!/nix/store/") && shell.contains("-bootstrap-tools/bin/sh\n"));
    // The script runs, and the host's /bin/sh is not there.
    assert_eq!(read(&env.built("ran")), "hi from sandbox\n");
    let local = read(&env.built("local"));
    assert!(
        local.starts_with("yo\n/nix/store/") && local.trim_end().ends_with("-bootstrap-tools/bin")
    );
    let farm = env.built("farm");
    assert!(
        fs::read_link(farm.join("a/text"))
            .expect("link")
            .ends_with(env.built("text").file_name().expect("name"))
    );
    assert!(fs::read_link(env.built("farmSet").join("t")).is_ok());
    assert_eq!(read(&env.built("cat")), "hello\ntwo\n");
    assert_eq!(read(&env.built("sub")), "a X b new\n");
    let fail = env.build("subFail");
    assert!(!fail.status.success());
    assert!(
        stderr(&fail).contains("'absent' does not occur"),
        "{}",
        stderr(&fail)
    );
    assert_eq!(read(&env.built("vars")), "1 and 2\n");
    assert_eq!(read(&env.built("all")), "everyone!\n");
    let join = env.built("join");
    assert!(join.join("usr/bin").symlink_metadata().is_ok());
    assert!(join.join("share").symlink_metadata().is_ok());
}

#[test]
fn hello_env_from_the_archive_runs() {
    let triplet = match std::env::consts::ARCH {
        "x86_64" => ("x86_64-linux-gnu", "ld-linux-x86-64.so.2"),
        "aarch64" => ("aarch64-linux-gnu", "ld-linux-aarch64.so.1"),
        other => panic!("no loader name known for {other}"),
    };
    // The env is mounted nowhere: hello runs with the env's own loader and libraries,
    // from the store inside the sandbox (which has no /lib, /usr or /bin of the host).
    let env = Env::new(&format!(
        r#"
let l = import ./lib.nix; p = l.pkgs; in rec {{
  env = p.buildEnv {{ name = "hello-env"; paths = [ p.hello ]; }};
  run = p.runCommand "run-hello" {{ }} ''
    lib=${{env}}/usr/lib/{dir}
    $lib/{ld} --library-path $lib ${{env}}/usr/bin/hello > $out
  '';
}}
"#,
        dir = triplet.0,
        ld = triplet.1
    ));
    let merged = env.built("env");
    assert!(env.resolve(&merged.join("usr/bin/hello")).is_file());
    assert!(
        env.resolve(&merged.join(format!("usr/lib/{}/libc.so.6", triplet.0)))
            .is_file()
    );
    assert_eq!(read(&env.built("run")), "Hello, world!\n");
}

#[test]
fn sysrebuild_package_holds_the_binary_and_its_nix_files() {
    let env = Env::new("(import ./lib.nix).pkgs");
    let out = env.built("sysrebuild");
    let bin = out.join("bin/sysrebuild");
    assert_eq!(
        fs::read(&bin).expect("binary"),
        fs::read(BIN).expect("running binary")
    );
    assert!(out.join("share/sysrebuild/lib").is_dir());
    assert!(out.join("share/sysrebuild/pkgs/builders.nix").is_file());
    // The copy finds its Nix files next to itself.
    let eval = Command::new(&bin)
        .args(["eval", "--expr", "(import <sysrebuild/lib>).trivial.id 1"])
        .env_remove("SYSREBUILD_ROOT")
        .output()
        .expect("run the copy");
    assert!(eval.status.success(), "{}", stderr(&eval));
    assert_eq!(String::from_utf8_lossy(&eval.stdout).trim(), "1");
}

/// The issue's goal: `hello`, `vim-tiny`, `curl`, `git`, `htop` and `tmux`, resolved from
/// the real apt lists through `sysrebuild pkgs update`, fetched, unpacked and merged by
/// `buildEnv`; every program but tmux (no UTF-8 locale in the sandbox) runs there with the
/// environment's own loader and libraries.
#[test]
fn environment_of_six_archive_packages_builds_and_every_program_runs() {
    let (_, debs) = real_debs();
    let dir = pinned_archive::pinned_dir(BIN);
    let (ld_dir, ld) = match std::env::consts::ARCH {
        "x86_64" => ("x86_64-linux-gnu", "ld-linux-x86-64.so.2"),
        "aarch64" => ("aarch64-linux-gnu", "ld-linux-aarch64.so.1"),
        other => panic!("no loader name known for {other}"),
    };
    fs::write(
        dir.path().join("default.nix"),
        format!(
            r#"let pkgs = import <sysrebuild/pkgs> {{ lock = ./sysrebuild.lock; }}; in
rec {{
  env = pkgs.buildEnv {{
    name = "six";
    paths = with pkgs; [ hello vim-tiny curl git htop tmux ];
  }};
  run = pkgs.runCommand "run-six" {{ }} ''
    lib=${{env}}/usr/lib/{ld_dir}
    run() {{
      $lib/{ld} --library-path $lib ${{env}}/usr/bin/$1 $2 > /dev/null
      echo $1 >> $out
    }}
    run curl --version
    run git --version
    run htop --version
    # tmux refuses to start without a UTF-8 locale, which the sandbox lacks: it is
    # merged, not run.
    test -x ${{env}}/usr/bin/tmux
    run vim.tiny --version
    $lib/{ld} --library-path $lib ${{env}}/usr/bin/hello >> $out
  '';
}}
"#
        ),
    )
    .expect("write default.nix");
    let out = Command::new(BIN)
        .args([
            "build",
            "--no-out-link",
            "-j",
            "4",
            "--store",
            "store",
            "-A",
            "run",
        ])
        .current_dir(dir.path())
        .env("SYSREBUILD_DEB_DIR", debs)
        .output()
        .expect("run sysrebuild build");
    assert!(out.status.success(), "{}", stderr(&out));
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let ran = read(&dir.path().join("store").join(path.trim_start_matches('/')));
    assert_eq!(ran, "curl\ngit\nhtop\nvim.tiny\nHello, world!\n");
}
