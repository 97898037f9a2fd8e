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
}

impl EvalError {
    /// A new error of `kind` at `span`.
    pub fn new(kind: ErrorKind, message: impl Into<String>, span: Span) -> Box<Self> {
        Box::new(EvalError { kind, message: message.into(), span, frames: Vec::new() })
    }

    /// Whether `builtins.tryEval` catches it.
    pub fn is_catchable(&self) -> bool {
        matches!(self.kind, ErrorKind::Thrown | ErrorKind::Assertion)
    }

    /// Adds a context frame (outermost frames are added last).
    pub fn with_frame(mut self: Box<Self>, span: Span, message: impl Into<String>) -> Box<Self> {
        const MAX_FRAMES: usize = 64;
        if self.frames.len() < MAX_FRAMES {
            self.frames.push(Frame { span, message: message.into() });
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
        out
    }
}

fn render_location(out: &mut String, sources: &SourceMap, span: Span) {
    let (Some(loc), Some(src)) = (sources.locate(span), sources.get(span.file)) else {
        return;
    };
    let _ = writeln!(out, "\n       at {}:{}:{}:\n", loc.file_name(), loc.line, loc.column);
    let width = (loc.line + 1).to_string().len();
    if loc.line > 1 {
        let _ = writeln!(out, "       {:>width$}| {}", loc.line - 1, src.line_text(loc.line - 1));
    }
    let text = src.line_text(loc.line);
    let _ = writeln!(out, "       {:>width$}| {}", loc.line, text);
    let prefix: String = text
        .chars()
        .take(loc.column as usize - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let span_len = {
        let line_rest = text.chars().count().saturating_sub(loc.column as usize - 1);
        let len = src
            .text
            .get(span.start as usize..span.end as usize)
            .map(|s| s.chars().take_while(|c| *c != '\n').count())
            .unwrap_or(1);
        len.clamp(1, line_rest.max(1))
    };
    let _ = writeln!(out, "       {:>width$}| {}{}", "", prefix, "^".repeat(span_len));
}
