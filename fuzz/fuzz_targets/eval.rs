//! Parses and evaluates the input as a Nix expression: any input must end in a value or an
//! evaluation error, never a panic, a crash, a stack overflow or an endless loop.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use sysrebuild::eval::print::{print_value, to_json};
use sysrebuild::eval::source::Span;
use sysrebuild::eval::value::Context;
use sysrebuild::eval::{Evaluator, Settings};

/// An empty directory, private to this process, used as the store root and the base
/// directory of relative paths, so nothing the fuzzer does touches the real store.
fn sandbox() -> &'static str {
    static DIR: OnceLock<String> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sysrebuild-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir.display().to_string()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = sandbox();
    let settings = Settings {
        store_root: Some(dir.to_owned()),
        write_store: false,
        search_path: Vec::new(),
        ..Settings::default()
    };
    let mut ev = Evaluator::new(settings);
    match ev.eval_string(text, dir).and_then(|v| ev.force_deep(&v)) {
        Ok(v) => {
            std::hint::black_box(print_value(&v));
            let mut ctx = Context::default();
            match to_json(&mut ev, &v, Span::NONE, &mut ctx) {
                Ok(json) => {
                    std::hint::black_box(json);
                }
                Err(e) => {
                    std::hint::black_box(e.render(&ev.sources));
                }
            }
        }
        Err(e) => {
            std::hint::black_box(e.render(&ev.sources));
        }
    }
});
