//! Differential tests: the fast front end must build exactly the tree (spans included)
//! that rnix's tree converts to, and must give up on everything rnix reports an error
//! for.

use super::ast::Node;
use super::{from_rnix, parser};
use std::path::{Path, PathBuf};

/// What the slow front end makes of `text`: `None` when rnix reports an error or the
/// conversion finds an incomplete node.
fn via_rnix(text: &str) -> Option<Node> {
    let parse = rnix::Root::parse(text);
    if !parse.errors().is_empty() {
        return None;
    }
    from_rnix::convert(parse.tree().expr()?).ok()
}

/// Checks one input; returns a description of the difference, if any.
fn compare(text: &str) -> Result<(), String> {
    let slow = via_rnix(text);
    let fast = parser::parse(text);
    match (fast, slow) {
        (Some(f), Some(s)) if f == s => Ok(()),
        (None, None) => Ok(()),
        (Some(f), Some(s)) => Err(format!("trees differ:\nfast: {f:?}\nrnix: {s:?}")),
        (Some(_), None) => Err("fast parser accepts what rnix rejects".to_owned()),
        (None, Some(_)) => Err("fast parser gives up on input rnix accepts".to_owned()),
    }
}

fn nix_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        if path.is_dir() {
            nix_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "nix") {
            out.push(path);
        }
    }
}

#[test]
fn every_nix_file_in_the_repository_parses_alike() {
    let mut files = Vec::new();
    nix_files(Path::new(env!("CARGO_MANIFEST_DIR")), &mut files);
    assert!(files.len() > 50, "found only {} .nix files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if let Err(e) = compare(&text) {
            failures.push(format!("{}: {e}", file.display()));
        }
        // Every file the repository ships is valid: the fast path must take it.
        if parser::parse(&text).is_none() && via_rnix(&text).is_some() {
            failures.push(format!("{}: not taken by the fast parser", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Inputs that exercise the corners of the grammar and the tokenizer.
const SNIPPETS: &[&str] = &[
    // numbers, URIs, identifiers
    "1",
    "0123",
    "1.",
    ".5",
    "1.5e3",
    "1.5E-3",
    ".5e+2",
    "1e3",
    "9223372036854775807",
    "9223372036854775808",
    "1.e",
    "http://example.org/a?b=c&d",
    "a:b",
    "x: x",
    "x:x",
    "a_b:c",
    "foo-bar'",
    "or",
    "a or",
    "f a or b",
    "a.b or c",
    "a.b.c or d.e",
    "a.\"b\".${c}",
    "a.${\"b\"}",
    "{ or = 1; }.or",
    "let or = 1; in or",
    "__curPos",
    "{ __curPos = 1; }",
    "__curPos: __curPos",
    "-1",
    "- -1",
    "!true",
    "!!a",
    "-a.b",
    "a - -b",
    "a-b",
    "a -b",
    // operators and precedence
    "1 + 2 * 3 - 4 / 5",
    "a ++ b ++ c",
    "a // b // c",
    "a -> b -> c",
    "a || b && c",
    "a == b",
    "a == b == c",
    "a < b",
    "a < b < c",
    "a <= b",
    "a >= b",
    "a > b",
    "a != b",
    "!a == b",
    "!a + b",
    "a ? b.c",
    "a ? b ? c",
    "-a ? b",
    "a ? ${b}",
    "a ? \"b\"",
    "f x |> g",
    "a |> b |> c",
    "a <| b <| c",
    "a <| b |> c",
    "a+b",
    "a/b",
    "a / b",
    "a/ b",
    "a //b",
    "1/2",
    "a*b",
    "f -1",
    "f (-1)",
    "f x y z",
    "(f x) (g y)",
    "f (x: x) 1",
    "[ 1 2 (3) a.b f ]",
    "[ ]",
    "[[[]]]",
    "[ x: x ]",
    "[ a or b ]",
    // strings
    "\"\"",
    "\"a\\nb\\t\\r\\\\\\\"\\$\"",
    "\"a${b}c\"",
    "\"${a}\"",
    "\"$${a}\"",
    "\"$$\"",
    "\"a$\"",
    "\"a${ { b = 1; }.b }\"",
    "\"\\${a}\"",
    "\"é ü ${\"ß\"}\"",
    "''''",
    "''a''",
    "''\n  a\n  b\n''",
    "''\n  a\n    b\n  ''",
    "''  \n  a\n''",
    "''\n\n  a\n\n  b\n''",
    "''\n  ${a}\n  b\n''",
    "''\n    ${a} b\n  c\n''",
    "''a ''$ b ''' c ''\\n d ''\\t ''\\\\''",
    "''${a}''",
    "'' a ${b} c ''",
    "''\n  a\n  ''",
    "''\t\n  a''",
    "''\n a\n\tb''",
    "'''''$''",
    "''$${a}''",
    "''a'b''",
    "''\n  a ''\n",
    "{ \"a b\" = 1; \"${\"c\"}\" = 2; ${\"d\"} = 3; }",
    // paths
    "./a",
    "./a/b.nix",
    "../a",
    "a/b",
    "/a/b",
    "~/a",
    "<nixpkgs>",
    "<nixpkgs/lib>",
    "./a/${b}",
    "./a/${b}/c",
    "./a/${b}${c}",
    "/${a}",
    "/${a}/b",
    "~/${a}",
    "./a ./b",
    "./a~/b",
    "./a/${b}~/c",
    "a/b/c.d-e+f_g",
    "[ ./a ./b ]",
    "./a/${b} ./c",
    "<a/b/c>",
    "a < b",
    "< a",
    "./.",
    "./a.",
    "/.",
    "./a/",
    "./a//b",
    "/a/",
    "<>",
    // functions
    "{ }: 1",
    "{ a }: a",
    "{ a, b }: a",
    "{ a ? 1, b ? a }: b",
    "{ a, ... }: a",
    "{ ... }: 1",
    "{ a, b, }: a",
    "args @ { a }: a",
    "args@{ a, ... }: args",
    "{ a } @ args: a",
    "{ a }@args: args",
    "{ }@a: a",
    "a@{}: a",
    "{ a, a }: a",
    "{ a } @ a: a",
    "x @ { } @ y: 1",
    "{ a ? { b = 1; } }: a",
    "{ a ? x: x }: a",
    "x: y: z: x",
    "f: f 1",
    // sets, let, with, assert, if
    "{ a = 1; b = 2; }",
    "rec { a = 1; b = a; }",
    "{ a.b = 1; a.c = 2; }",
    "{ a = { b = 1; }; a.c = 2; }",
    "{ a = ({ b = 1; }); a.c = 2; }",
    "{ a = 1; a = 2; }",
    "{ a.b = 1; a.b = 2; }",
    "{ inherit a b; }",
    "{ inherit (x) a \"b\"; }",
    "{ inherit ${a}; }",
    "{ inherit; }",
    "{ ${a} = 1; }",
    "{ ${a}.b = 1; }",
    "{ a.${b}.c = 1; }",
    "let a = 1; in a",
    "let a = 1; b = a; in b",
    "let { a = 1; body = a; }",
    "let inherit (x) a; in a",
    "let ${a} = 1; in 1",
    "let a.b = 1; in a",
    "let in 1",
    "with a; b",
    "with a; with b; c",
    "assert a; b",
    "if a then b else c",
    "if a then if b then c else d else e",
    "let f = x: x; in f",
    "{ f = x: x; g = (x: x); }",
    "rec { f = x: f x; }",
    // comments and whitespace
    "# c\n1",
    "/* c */ 1",
    "1 /* c */",
    "1 # c",
    "/**/1",
    "/* a * b */ 1",
    "{ a = 1; /* x */ }",
    "\u{a0}1",
    "1\u{2028}",
    "\t\r\n1\n",
    // the shape of the module benchmark's files
    "{ config, lib, ... }:\nlet cfg = config.m0; in {\n  options.m0 = {\n    o0 = lib.mkOption { type = lib.types.bool; default = false; description = \"flag 0\"; };\n    o5 = lib.mkOption { type = lib.types.attrsOf (lib.types.submodule { options.value = lib.mkOption { type = lib.types.int; default = 0; }; }); default = { }; };\n  };\n  config.m0 = {\n    o1 = lib.mkIf (!cfg.o0) \"v0-${toString config.m1.o1}\";\n    o2 = lib.mkMerge [ [ \"a\" ] (lib.mkBefore [ \"first\" ]) (lib.mkAfter [ \"last\" ]) ];\n    o3 = lib.mkIf cfg.o0 (lib.mkForce (97 + 0));\n    o4.inst = { value = 95; };\n  };\n}\n",
    // errors rnix reports (the fast parser must give up on all of these)
    "",
    "(",
    ")",
    "[a)",
    "{",
    "}",
    "a b c .",
    "a.",
    "a.b or",
    "let a = 1;",
    "let a = 1 in a",
    "{ a = 1 }",
    "{ a }",
    "{ a, }",
    "x @ y: 1",
    "if a then b",
    "assert a b",
    "with a b",
    "\"abc",
    "''abc",
    "\"${a\"",
    "a &",
    "a |",
    "a $ b",
    "`",
    "'",
    "%",
    "/* open",
    "1.5e",
    "a ? ",
    "-",
    "!",
    "a ==",
    "a @ b",
    "{ a ? }: 1",
    "{ ... , a }: 1",
    "x: ",
    "f x:",
    "a: b: ",
    "{ a = 1; } }",
    "inherit a;",
    "let { a = 1; }",
    "\"\\",
    "''\\",
    "~",
    "~a",
    "é",
    "a\u{0}",
];

#[test]
fn tricky_snippets_parse_alike() {
    let mut failures = Vec::new();
    for text in SNIPPETS {
        if let Err(e) = compare(text) {
            failures.push(format!("{text:?}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// rnix accepts these although Nix does not; the fast parser leaves them to it, and
/// they evaluate through the conversion of rnix's tree as before.
const RNIX_LENIENCIES: &[&str] = &["(a]", "(a}"];

#[test]
fn rnix_leniencies_take_the_slow_path() {
    for text in RNIX_LENIENCIES {
        assert!(parser::parse(text).is_none(), "{text:?}");
        assert!(via_rnix(text).is_some(), "{text:?}");
    }
}

#[test]
fn deep_nesting_is_left_to_rnix_at_its_limit() {
    // rnix refuses expressions nested 512 deep; the fast parser must agree both ways.
    for depth in [100, 511, 512, 513, 600] {
        let text = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
        assert!(compare(&text).is_ok(), "parens nested {depth} deep");
        let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        assert!(compare(&text).is_ok(), "lists nested {depth} deep");
        let text = format!("{}1", "x: ".repeat(depth));
        assert!(compare(&text).is_ok(), "lambdas nested {depth} deep");
    }
    let long_chain = vec!["a"; 20_000].join(" ++ ");
    assert!(parser::parse(&long_chain).is_some());
}
