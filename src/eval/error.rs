//! Evaluation errors and how they are shown to users.

use super::source::{SourceMap, Span};
use std::fmt::Write;

/// The result of anything that evaluates.
pub type EvalResult<T> = Result<T, Box<EvalError>>;

/// What went wrong, as far as `tryEval` and exit codes care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `throw`: catchable by `tryEval`.
    Thrown,
    /// A failed `assert`: catchable by `tryEval`.
    Assertion,
    /// `abort`.
    Abort,
    /// A value that depends on itself.
    InfiniteRecursion,
    /// Syntax errors.
    Parse,
    /// Everything else: type errors, missing attributes, I/O problems.
    Other,
}

/// A frame of context: "while evaluating …", with where.
#[derive(Clone, Debug)]
pub struct Frame {
    pub span: Span,
    pub message: String,
}

/// An evaluation error: a message, the innermost location, and the context frames
/// gathered on the way out.
#[derive(Clone, Debug)]
pub struct EvalError {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Span,
    pub frames: Vec<Frame>,
    /// Further independent errors reported together with this one (every syntax error of
    /// a file).
    pub more: Vec<EvalError>,
}

impl EvalError {
    /// A new error of `kind` at `span`.
    pub fn new(kind: ErrorKind, message: impl Into<String>, span: Span) -> Box<Self> {
        Box::new(EvalError {
            kind,
            message: message.into(),
            span,
            frames: Vec::new(),
            more: Vec::new(),
        })
    }

    /// Whether `builtins.tryEval` catches it.
    pub fn is_catchable(&self) -> bool {
        matches!(self.kind, ErrorKind::Thrown | ErrorKind::Assertion)
    }

    /// Adds a context frame (outermost frames are added last).
    pub fn with_frame(mut self: Box<Self>, span: Span, message: impl Into<String>) -> Box<Self> {
        const MAX_FRAMES: usize = 64;
        if self.frames.len() < MAX_FRAMES {
            self.frames.push(Frame {
                span,
                message: message.into(),
            });
        }
        self
    }

    /// Renders the error as users see it: the message, the location with the source line
    /// and a caret, then the context frames innermost first.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "error: {}", self.message);
        render_location(&mut out, sources, self.span);
        let mut last: Option<(Span, &str)> = None;
        let mut shown = 0;
        for frame in &self.frames {
            if last == Some((frame.span, frame.message.as_str())) {
                continue;
            }
            last = Some((frame.span, frame.message.as_str()));
            shown += 1;
            if shown > 20 {
                let _ = writeln!(out, "\n       (frames omitted)");
                break;
            }
            let _ = writeln!(out, "\n       … {}", frame.message);
            render_location(&mut out, sources, frame.span);
        }
        for other in &self.more {
            out.push('\n');
            out.push_str(&other.render(sources));
        }
        out
    }
}

/// Longest stretch of a source line shown in an error, in characters.
const MAX_SHOWN_LINE: usize = 100;

fn render_location(out: &mut String, sources: &SourceMap, span: Span) {
    let (Some(loc), Some((src, span_start, span_end))) =
        (sources.locate(span), sources.resolve(span))
    else {
        return;
    };
    let Some(text) = sources.text(src) else {
        // A file changed or removed since it was parsed: an excerpt of it now would show
        // the wrong lines.
        let _ = writeln!(
            out,
            "\n       at {}:{}:{} (the file has changed since; no excerpt)",
            loc.file_name(),
            loc.line,
            loc.column
        );
        return;
    };
    let _ = writeln!(
        out,
        "\n       at {}:{}:{}:\n",
        loc.file_name(),
        loc.line,
        loc.column
    );
    let width = (loc.line + 1).to_string().len();
    let col = loc.column as usize - 1;
    // Long lines (generated code) are shown as a window around the error.
    let start = col.saturating_sub(MAX_SHOWN_LINE / 2);
    let window = |line: &str| -> String {
        let chars: Vec<char> = line.chars().collect();
        let end = (start + MAX_SHOWN_LINE).min(chars.len());
        let mut shown: String = chars
            .get(start..end)
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        if start > 0 {
            shown.insert(0, '…');
        }
        if end < chars.len() {
            shown.push('…');
        }
        shown
    };
    if loc.line > 1 {
        let _ = writeln!(
            out,
            "       {:>width$}| {}",
            loc.line - 1,
            window(src.line_text(&text, loc.line - 1))
        );
    }
    let line = src.line_text(&text, loc.line);
    let _ = writeln!(out, "       {:>width$}| {}", loc.line, window(line));
    let prefix: String = line
        .chars()
        .skip(start)
        .take(col - start)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let lead = if start > 0 { " " } else { "" };
    let span_len = {
        let line_rest = line.chars().count().saturating_sub(col);
        let len = text
            .get(span_start as usize..span_end as usize)
            .map(|s| s.chars().take_while(|c| *c != '\n').count())
            .unwrap_or(1);
        len.clamp(1, line_rest.clamp(1, MAX_SHOWN_LINE))
    };
    let _ = writeln!(
        out,
        "       {:>width$}| {lead}{}{}",
        "",
        prefix,
        "^".repeat(span_len)
    );
}

#[cfg(test)]
mod tests {
    use crate::eval::{Evaluator, Settings};

    /// The rendered error of evaluating `file` in a fresh evaluator, and the evaluator.
    fn failing(file: &std::path::Path) -> (Evaluator, super::EvalError) {
        let mut ev = Evaluator::new(Settings::default());
        match ev
            .eval_file(file.to_str().unwrap())
            .and_then(|v| ev.force_deep(&v))
        {
            Ok(_) => panic!("{} evaluates", file.display()),
            Err(error) => (ev, *error),
        }
    }

    /// An error in a file shows the file's lines, read again since the file's text is not
    /// kept; once the file has changed, only the location is shown, never other lines.
    #[test]
    fn excerpts_come_from_the_file_while_it_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.nix");
        let name = path.display();
        std::fs::write(&path, "let s = \"é\";\nin { a = s; }.b\n").unwrap();
        let (ev, error) = failing(&path);
        let shown = error.render(&ev.sources);
        assert!(
            shown.contains(&format!("at {name}:2:4:\n")),
            "columns count characters: {shown}"
        );
        assert!(shown.contains("1| let s = \"é\";\n"), "{shown}");
        assert!(shown.contains("2| in { a = s; }.b\n"), "{shown}");
        assert!(shown.contains("|    ^^^^^^^^^^^^\n"), "{shown}");

        // Parsed by another evaluator, then changed before its error is shown.
        let (ev, error) = failing(&path);
        std::fs::write(&path, "# changed\nin { a = s; }.b\n").unwrap();
        let shown = error.render(&ev.sources);
        assert!(
            shown.contains(&format!(
                "at {name}:2:4 (the file has changed since; no excerpt)\n"
            )),
            "{shown}"
        );
        assert!(
            !shown.contains("changed\n") && !shown.contains("| "),
            "{shown}"
        );
    }

    /// Attributes keep only where their definition starts; in a file (whose text is not
    /// kept) the frame naming one still underlines the whole definition, read again.
    #[test]
    fn attribute_frames_in_files_underline_the_whole_definition() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("attr.nix");
        std::fs::write(&path, "{ a = { b = throw \"no\"; }; }\n").unwrap();
        let (ev, error) = failing(&path);
        let shown = error.render(&ev.sources);
        assert!(
            shown.contains("while evaluating the attribute 'a'"),
            "{shown}"
        );
        assert!(shown.contains("|   ^^^^^^^^^^^^^^^^^^^^^^^^\n"), "{shown}");
    }
}
