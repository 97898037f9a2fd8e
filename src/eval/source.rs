//! Source files and spans: where every expression came from, for error messages and
//! `unsafeGetAttrPos`.

use super::parse::extent::Extents;
use std::cell::RefCell;
use std::rc::Rc;

/// A source of a [`SourceMap`]: where its text starts in the map's position space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId(pub u32);

/// A byte range of one source, as positions in the [`SourceMap`]'s single position space
/// (every source has its own stretch of it, like rustc's `BytePos`): 8 bytes, where a
/// file index and two offsets took 12. Every expression carries one.
///
/// A span may be *open*: only its start is known ([`Span::starting_at`]), because the
/// record it came from keeps just that (an attribute value's [`Attr`](super::value::Attr)).
/// Its end is the end of the syntax starting there, found in the source when the span is
/// resolved ([`SourceMap::resolve`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span for values that do not come from source text (builtins, the command line).
    pub const NONE: Span = Span {
        start: u32::MAX,
        end: u32::MAX,
    };

    /// The `end` of an open span.
    const OPEN_END: u32 = u32::MAX;

    /// An open span: the syntax node starting at position `start` (its end is looked up
    /// when needed). `starting_at(u32::MAX)` is [`Span::NONE`].
    pub const fn starting_at(start: u32) -> Span {
        Span {
            start,
            end: Self::OPEN_END,
        }
    }

    /// The span of bytes `start..end` of source `file`.
    pub fn new(file: FileId, start: u32, end: u32) -> Span {
        Span {
            start: file.0 + start,
            end: file.0 + end,
        }
    }

    /// Whether this span points into a real source.
    pub fn is_known(&self) -> bool {
        self.start != u32::MAX
    }

    /// Whether only the start is known ([`Span::starting_at`]).
    pub fn is_open(&self) -> bool {
        self.end == Self::OPEN_END && self.is_known()
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
    /// Where the text starts in the map's position space.
    base: u32,
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
    /// In the order they were added, so also by `base`.
    sources: Vec<Source>,
    /// Where the next source starts.
    next_base: u32,
    /// The syntax tree of the source whose open spans were completed last (by `base`):
    /// an error's frames usually point into the same file.
    extents: RefCell<Option<(u32, Rc<Extents>)>>,
}

/// The sources of one evaluation may add up to 4 GiB (the position space is 32 bits).
const MAX_TOTAL: u64 = u32::MAX as u64 - 1;

impl SourceMap {
    /// Registers a source and returns its id. Past 4 GiB of sources in one evaluation,
    /// further sources share the last position (their spans are no longer exact).
    pub fn add(&mut self, origin: Origin, text: Rc<str>) -> FileId {
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        let base = self.next_base;
        // One position past the end, so that an empty source still has its own.
        let next = base as u64 + text.len() as u64 + 1;
        self.next_base = next.min(MAX_TOTAL) as u32;
        crate::alloc::sources_parsed(next);
        self.sources.push(Source {
            origin,
            text,
            base,
            line_starts,
        });
        FileId(base)
    }

    /// The source containing position `pos`.
    fn source_at(&self, pos: u32) -> Option<&Source> {
        if pos == u32::MAX {
            return None;
        }
        let i = self.sources.partition_point(|s| s.base <= pos);
        self.sources.get(i.checked_sub(1)?)
    }

    /// The source of `span` and the span's byte range within it. An open span is
    /// completed to the syntax node starting there (re-parsing its source: this is for
    /// showing errors, not for hot paths); where no node starts, it is empty.
    pub fn resolve(&self, span: Span) -> Option<(&Source, u32, u32)> {
        let src = self.source_at(span.start)?;
        let start = span.start - src.base;
        let end = if span.is_open() {
            self.extents_of(src).end_of_node_at(start).unwrap_or(start)
        } else {
            span.end.saturating_sub(src.base).max(start)
        };
        Some((src, start, end))
    }

    /// The (cached) syntax tree of `src`.
    fn extents_of(&self, src: &Source) -> Rc<Extents> {
        let mut cache = self.extents.borrow_mut();
        if let Some((base, ext)) = cache.as_ref()
            && *base == src.base
        {
            return ext.clone();
        }
        let ext = Rc::new(Extents::parse(&src.text));
        *cache = Some((src.base, ext.clone()));
        ext
    }

    /// Line and column of the start of `span`.
    pub fn locate(&self, span: Span) -> Option<Location> {
        let src = self.source_at(span.start)?;
        let (line, column) = src.line_col(span.start - src.base);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each source has its own stretch of the position space: a span finds its source and
    /// its offsets within it, for every source added.
    #[test]
    fn spans_resolve_to_their_own_source() {
        let mut map = SourceMap::default();
        let a = map.add(Origin::String, Rc::from("abc\ndef"));
        let empty = map.add(Origin::File("/e.nix".into()), Rc::from(""));
        let b = map.add(Origin::File("/b.nix".into()), Rc::from("x\n  y = 1;"));
        let (src, start, end) = map.resolve(Span::new(a, 4, 7)).unwrap();
        assert_eq!((&src.text[start as usize..end as usize], start), ("def", 4));
        let (src, start, _) = map.resolve(Span::new(empty, 0, 0)).unwrap();
        assert_eq!(
            (src.origin.clone(), start),
            (Origin::File("/e.nix".into()), 0)
        );
        let loc = map.locate(Span::new(b, 4, 5)).unwrap();
        assert_eq!(
            (loc.file_name(), loc.line, loc.column),
            ("/b.nix".into(), 2, 3)
        );
        assert!(map.resolve(Span::NONE).is_none());
        assert!(!Span::NONE.is_known() && Span::new(a, 0, 1).is_known());
    }

    /// An open span is completed to the syntax starting at its position, in whichever
    /// source holds it (the cached tree is replaced when the source changes).
    #[test]
    fn open_spans_end_where_their_syntax_ends() {
        let mut map = SourceMap::default();
        let a = map.add(Origin::String, Rc::from("{ a = 1; b.c = [ 2 ]; }"));
        let b = map.add(
            Origin::File("/b.nix".into()),
            Rc::from("{ x }: { inherit x; }"),
        );
        let text = |span: Span| {
            let (src, start, end) = map.resolve(span).unwrap();
            src.text[start as usize..end as usize].to_owned()
        };
        let open = |file: FileId, at: u32| Span::starting_at(Span::new(file, at, at).start);
        assert!(open(a, 2).is_open() && !Span::new(a, 2, 3).is_open());
        assert_eq!(text(open(a, 9)), "b.c = [ 2 ];");
        assert_eq!(text(open(b, 17)), "x");
        assert_eq!(text(open(a, 2)), "a = 1;");
        // No node starts at the `.` of `b.c`: the span is empty.
        assert_eq!(text(open(a, 10)), "");
        let loc = map.locate(open(b, 17)).unwrap();
        assert_eq!((loc.line, loc.column), (1, 18));
        assert!(!Span::NONE.is_open() && Span::starting_at(u32::MAX) == Span::NONE);
    }
}
