//! Source files and spans: where every expression came from, for error messages and
//! `unsafeGetAttrPos`.

use std::rc::Rc;

/// Index of a source in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span for values that do not come from source text (builtins, the command line).
    pub const NONE: Span = Span {
        file: FileId(u32::MAX),
        start: 0,
        end: 0,
    };

    /// Whether this span points into a real source.
    pub fn is_known(&self) -> bool {
        self.file.0 != u32::MAX
    }
}

/// Where a source came from.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A file on disk (its absolute path).
    File(String),
    /// An expression given as a string (`-E`, `--arg`).
    String,
}

/// One parsed source text.
pub struct Source {
    pub origin: Origin,
    pub text: Rc<str>,
    line_starts: Vec<u32>,
}

/// A resolved position: 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub origin: Origin,
    pub line: u32,
    pub column: u32,
}

impl Location {
    /// The file name as Nix shows it (`«string»` for expressions without a file).
    pub fn file_name(&self) -> String {
        match &self.origin {
            Origin::File(p) => p.clone(),
            Origin::String => "«string»".to_owned(),
        }
    }
}

impl PartialEq for Origin {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Origin::File(a), Origin::File(b)) => a == b,
            (Origin::String, Origin::String) => true,
            _ => false,
        }
    }
}
impl Eq for Origin {}

/// Every source the evaluator has read.
#[derive(Default)]
pub struct SourceMap {
    sources: Vec<Source>,
}

impl SourceMap {
    /// Registers a source and returns its id.
    pub fn add(&mut self, origin: Origin, text: Rc<str>) -> FileId {
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        self.sources.push(Source {
            origin,
            text,
            line_starts,
        });
        FileId(self.sources.len() as u32 - 1)
    }

    /// The source behind `id`.
    pub fn get(&self, id: FileId) -> Option<&Source> {
        self.sources.get(id.0 as usize)
    }

    /// Line and column of the start of `span`.
    pub fn locate(&self, span: Span) -> Option<Location> {
        let src = self.get(span.file)?;
        let (line, column) = src.line_col(span.start);
        Some(Location {
            origin: src.origin.clone(),
            line,
            column,
        })
    }
}

impl Source {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line as u32 + 1, column as u32 + 1)
    }

    /// The text of 1-based line `line`, without its newline.
    pub fn line_text(&self, line: u32) -> &str {
        let i = line as usize - 1;
        let start = self.line_starts.get(i).copied().unwrap_or(0) as usize;
        let end = self
            .line_starts
            .get(i + 1)
            .map(|e| *e as usize - 1)
            .unwrap_or(self.text.len());
        self.text.get(start..end).unwrap_or("")
    }
}
