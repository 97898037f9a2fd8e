//! Tests of the store builtins with vectors computed by Nix 2.8
//! (`nix-instantiate --eval --strict --read-write-mode --store <tmp>`).

use crate::eval::machine::Evaluator;
use crate::eval::settings::Settings;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attrs, Context, NixString, Value};
use std::os::unix::fs::PermissionsExt;
use std::rc::Rc;

fn evaluator(store_root: Option<&std::path::Path>) -> Evaluator {
    let settings = Settings {
        system: "x86_64-linux".to_owned(),
        store_root: store_root.map(|p| p.display().to_string()),
        write_store: store_root.is_some(),
        ..Settings::default()
    };
    Evaluator::new(settings)
}

fn eval_strings(ev: &mut Evaluator, expr: &str) -> Vec<String> {
    let v = ev
        .eval_string(expr, "/")
        .unwrap_or_else(|e| panic!("{}", e.render(&ev.sources)));
    let v = ev
        .force_deep(&v)
        .unwrap_or_else(|e| panic!("{}", e.render(&ev.sources)));
    let Value::List(items) = v else {
        panic!("not a list")
    };
    items
        .0
        .iter()
        .map(|i| match ev.force(i) {
            Ok(Value::String(s)) => s.text.clone(),
            _ => panic!("not a string"),
        })
        .collect()
}

fn eval_error(expr: &str) -> String {
    let mut ev = evaluator(None);
    match ev.eval_string(expr, "/").and_then(|v| ev.force_deep(&v)) {
        Ok(_) => panic!("expected an error from {expr}"),
        Err(e) => e.render(&ev.sources),
    }
}

const DRVS: &str = r#"
let
  sys = "x86_64-linux";
  dep = derivation { name = "dep"; builder = "/bin/sh"; system = sys; args = [ "-c" "echo" 1 true null 2.5 [ [] "x" ] ]; };
  multi = derivation { name = "multi"; builder = "/bin/sh"; system = sys; outputs = [ "out" "dev" ]; d = dep; };
  user = derivation { name = "user"; builder = "${dep}/bin/sh"; system = sys; dev = multi.dev; all = multi.drvPath; };
  foFlat = derivation { name = "fo-flat"; builder = "/bin/sh"; system = sys; outputHashAlgo = "sha256"; outputHash = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"; };
  foRec = derivation { name = "fo-rec"; builder = "/bin/sh"; system = sys; outputHashMode = "recursive"; outputHash = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; };
  foSha1 = derivation { name = "fo-sha1"; builder = "/bin/sh"; system = sys; outputHash = "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="; };
  useFo = derivation { name = "use-fo"; builder = "/bin/sh"; system = sys; inherit foFlat foRec; };
  text = builtins.toFile "t.txt" "hello";
  textRef = builtins.toFile "r.txt" "see ${text}";
  structured = derivation { name = "sa"; builder = "/bin/sh"; system = sys; __structuredAttrs = true; xs = [ 1 "a" null true { b = dep; } ]; outputs = [ "out" "lib" ]; };
in [ dep.drvPath dep.outPath multi.drvPath multi.dev.outPath user.drvPath user.outPath foFlat.drvPath foFlat.outPath foRec.drvPath foRec.outPath foSha1.outPath useFo.drvPath text textRef structured.drvPath structured.lib.outPath ]
"#;

const DRVS_EXPECTED: &[&str] = &[
    "/nix/store/9l01n11kxclrw7rgzmawda4j8szry4ic-dep.drv",
    "/nix/store/77l7vjwqgmd9kikr7b8mj9pkyfwhycy7-dep",
    "/nix/store/6sa0vjmmlgkd8qz7vxqmq6x6fvnr78y3-multi.drv",
    "/nix/store/3kjycibzyjy0h17im62npzv93679l7vk-multi-dev",
    "/nix/store/9c9a7kvpq6h5bdsshslaqi7f54pjpig1-user.drv",
    "/nix/store/97iinlcxc7klsl2ci99mslfr3958ppgy-user",
    "/nix/store/l2pnagyf8zdnq3m5j4sza4ph3jqh46hp-fo-flat.drv",
    "/nix/store/f2bb3ghriw8k9s6gl49ga195y7c9cvhd-fo-flat",
    "/nix/store/6nw6m2i8m8vd8rb62w1086g7hd1hnw6z-fo-rec.drv",
    "/nix/store/md5z1lyvll3yz7326jshp3k740h3qrng-fo-rec",
    "/nix/store/ijsi4apliz2vn3pbcj6j9l58nz9rzzyg-fo-sha1",
    "/nix/store/6311jm42xawhnfv3wh1bw2gji311mvkb-use-fo.drv",
    "/nix/store/9p0nl625gm5mli8h2xfsgma0zz31g9yc-t.txt",
    "/nix/store/c426lska1dcs57a969vcsihm5ddwlbmd-r.txt",
    "/nix/store/xlk311lkpwrlw1ldjh655cxl25cxmznx-sa.drv",
    "/nix/store/yrj9pv40wnv69bpz29ch8q2mml0c2q0z-sa-lib",
];

#[test]
fn derivation_paths_match_nix() {
    let mut ev = evaluator(None);
    assert_eq!(eval_strings(&mut ev, DRVS), DRVS_EXPECTED);
}

#[test]
fn derivation_result_has_context() {
    let mut ev = evaluator(None);
    let v = ev
        .eval_string(r#"derivationStrict { name = "m"; builder = "b"; system = "s"; outputs = [ "out" "dev" ]; }"#, "/")
        .expect("eval");
    let Value::Attrs(a) = v else {
        panic!("not a set")
    };
    let get = |n: &str| match a.get(Symbol::intern(n)) {
        Some(Value::String(s)) => s.clone(),
        _ => panic!("missing {n}"),
    };
    let drv = get("drvPath");
    let ctx: Vec<String> = drv.context.iter().map(|c| c.to_string()).collect();
    assert_eq!(ctx, vec![format!("={}", drv.text)]);
    let dev: Vec<String> = get("dev").context.iter().map(|c| c.to_string()).collect();
    assert_eq!(dev, vec![format!("!dev!{}", drv.text)]);
}

fn write_tree(root: &std::path::Path) {
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    std::fs::write(root.join("a"), "A\n").expect("write");
    std::fs::write(root.join("sub/b"), "B").expect("write");
    std::fs::write(root.join("x.sh"), "#!").expect("write");
    std::fs::set_permissions(root.join("x.sh"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    std::os::unix::fs::symlink("a", root.join("l")).expect("symlink");
}

#[test]
fn path_and_filter_source_match_nix() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("ftree");
    write_tree(&root);
    let r = root.display();
    let expr = format!(
        r#"let p = {r}; in [
          (builtins.path {{ path = p; name = "filtered"; filter = path: type: type != "symlink" && path != "{r}/sub"; }})
          (builtins.path {{ path = p; }})
          (builtins.filterSource (path: type: type == "directory" || type == "regular") p)
          (builtins.path {{ path = {r}/a; recursive = false; name = "flat"; }})
          "${{p}}"
          (builtins.hashFile "sha256" {r}/a)
        ]"#
    );
    let mut ev = evaluator(None);
    assert_eq!(
        eval_strings(&mut ev, &expr),
        [
            "/nix/store/m936mn66miniznxnhww32ls54dslljd6-filtered",
            "/nix/store/c3r4p1jqb6024h6ijf1d8f8qiclbpvqs-ftree",
            "/nix/store/madsa8r9ppxyffd8yrfbylllg93fcdir-ftree",
            "/nix/store/n43n1d16w3k7srh9r4vd3di8llr63qdy-flat",
            "/nix/store/c3r4p1jqb6024h6ijf1d8f8qiclbpvqs-ftree",
            "06f961b802bc46ee168555f066d28f4f0e9afdf3f88174c1ee6f9de004fc30a0",
        ]
    );
}

#[test]
fn writes_derivations_and_sources_to_a_relocated_store() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    let mut ev = evaluator(Some(&store));
    let got = eval_strings(&mut ev, DRVS);
    assert_eq!(got, DRVS_EXPECTED);
    let real = |p: &str| store.join(p.trim_start_matches('/'));
    for drv in got.iter().filter(|p| p.ends_with(".drv")) {
        let meta = std::fs::metadata(real(drv)).expect("drv written");
        assert_eq!(meta.permissions().mode() & 0o777, 0o444);
    }
    assert_eq!(
        std::fs::read_to_string(real("/nix/store/9p0nl625gm5mli8h2xfsgma0zz31g9yc-t.txt"))
            .expect("toFile"),
        "hello"
    );
    // readFile of a store path (with context) reads the relocated store.
    let text = eval_strings(
        &mut ev,
        r#"[ (builtins.readFile (builtins.toFile "t.txt" "hello")) ]"#,
    );
    assert_eq!(text, ["hello"]);
}

#[test]
fn input_derivations_are_loaded_from_the_store() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    // Instantiate `multi` (and `dep`) into the store, and `user` for reference.
    let mut first = evaluator(Some(&store));
    let got = eval_strings(&mut first, DRVS);
    let multi_drv = &got[2];
    // A fresh evaluator sees `multi` only through a string context.
    let mut fresh = evaluator(Some(&store));
    let mut attrs = Attrs::new();
    let mut ctx = Context::default();
    ctx.insert(Rc::from(format!("!dev!{multi_drv}")));
    let dev = Value::String(Rc::new(NixString::with_context(got[3].clone(), ctx)));
    let mut all_ctx = Context::default();
    all_ctx.insert(Rc::from(format!("={multi_drv}")));
    let all = Value::String(Rc::new(NixString::with_context(multi_drv.clone(), all_ctx)));
    for (n, v) in [
        ("name", Value::string("x")),
        ("builder", Value::string("/bin/sh")),
        ("system", Value::string("s")),
        ("dev", dev),
        ("all", all),
    ] {
        attrs.insert(Symbol::intern(n), v, Span::NONE);
    }
    let f = fresh.eval_string("derivationStrict", "/").expect("eval");
    let from_disk = fresh
        .call(f, Value::attrs(attrs.clone()), Span::NONE)
        .expect("derivationStrict");
    let f = first.eval_string("derivationStrict", "/").expect("eval");
    let in_memory = first
        .call(f, Value::attrs(attrs), Span::NONE)
        .expect("derivationStrict");
    let drv_path = |v: &Value| match v {
        Value::Attrs(a) => match a.get(Symbol::intern("drvPath")) {
            Some(Value::String(s)) => s.text.clone(),
            _ => panic!("no drvPath"),
        },
        _ => panic!("not a set"),
    };
    assert_eq!(drv_path(&from_disk), drv_path(&in_memory));
}

#[test]
fn errors_match_nix() {
    let cases = [
        (
            r#"derivation { name = "a"; system = "y"; }"#,
            "required attribute 'builder' missing",
        ),
        (
            r#"derivation { name = "a"; builder = "x"; }"#,
            "required attribute 'system' missing",
        ),
        (
            r#"derivation { name = "a"; builder = "x"; system = "y"; outputs = ["out" "out"]; }"#,
            "duplicate derivation output 'out'",
        ),
        (
            r#"derivation { name = "a"; builder = "x"; system = "y"; outputs = ["out" "dev"]; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; }"#,
            "multiple outputs are not supported in fixed-output derivations",
        ),
        (
            r#"derivation { name = "a b"; builder = "x"; system = "y"; }"#,
            "invalid derivation name 'a b'",
        ),
        (
            r#"derivation { name = "a"; builder = "x"; system = "y"; outputHashMode = "foo"; }"#,
            "invalid value 'foo' for 'outputHashMode' attribute",
        ),
        (
            r#"builtins.toFile "x" "${derivation { name = "a"; builder = "x"; system = "y"; }}""#,
            "in 'toFile': the file named 'x' must not contain a reference to a derivation",
        ),
        (
            r#"builtins.readFile "rel""#,
            "string 'rel' doesn't represent an absolute path",
        ),
        (
            r#"builtins.readFile /nonexistent/file"#,
            "opening file '/nonexistent/file': No such file or directory",
        ),
        (
            r#"derivation { name = "a"; builder = { }; system = "y"; }"#,
            "while evaluating the attribute 'builder' of the derivation 'a'",
        ),
    ];
    for (expr, want) in cases {
        let got = eval_error(expr);
        assert!(got.contains(want), "{expr}: expected '{want}' in:\n{got}");
    }
}

#[test]
fn fs_builtins() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("ftree");
    write_tree(&root);
    let r = root.display();
    let mut ev = evaluator(None);
    let expr = format!(
        r#"let d = builtins.readDir {r}; in [ d.a d.sub d.l (builtins.readFileType {r}/l) (builtins.readFile {r}/a)
           (if builtins.pathExists {r}/nope then "yes" else "no") (toString (builtins.findFile [ {{ prefix = "t"; path = "{r}"; }} ] "t/sub/b")) ]"#
    );
    assert_eq!(
        eval_strings(&mut ev, &expr),
        [
            "regular",
            "directory",
            "symlink",
            "symlink",
            "A\n",
            "no",
            &format!("{r}/sub/b")
        ]
    );
}
