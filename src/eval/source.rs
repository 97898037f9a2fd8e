//! Source files and spans: where every expression came from, for error messages and
//! `unsafeGetAttrPos`.

use super::parse::extent::Extents;
use std::cell::RefCell;
use std::hash::Hasher;
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

/// One parsed source. A file's text is not kept: positions need only where its lines
/// start and which of its bytes continue a character, and the few error messages that
/// show an excerpt read the file again ([`SourceMap::text`]), as Nix does.
pub struct Source {
    /// Where the source came from.
    pub origin: Origin,
    /// Where the text starts in the map's position space.
    base: u32,
    /// The text's length in bytes.
    len: u32,
    line_starts: Vec<u32>,
    /// Offsets of the bytes that continue a UTF-8 character (sorted; none in ASCII text),
    /// so that columns count characters without the text.
    continuations: Box<[u32]>,
    text: SourceText,
}

/// What a [`Source`] keeps of its text.
enum SourceText {
    /// Expressions given as strings (`-E`, `--arg`) keep their text: nothing could show
    /// it again.
    Kept(Rc<str>),
    /// A file is read again when an excerpt is needed; `hash` (with the length) recognises
    /// the text that was parsed, so a file changed since is never shown as if it were it.
    OnDisk { hash: u64 },
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
    /// The file text read again last (by the source's `base`): an error with many frames,
    /// or assertions failing in a loop under `tryEval`, read each file once.
    reread: RefCell<Option<(u32, Rc<str>)>>,
    /// The syntax tree of the source whose open spans were completed last (by `base`):
    /// an error's frames usually point into the same file.
    extents: RefCell<Option<(u32, Rc<Extents>)>>,
}

/// The sources of one evaluation may add up to 4 GiB (the position space is 32 bits).
const MAX_TOTAL: u64 = u32::MAX as u64 - 1;

/// The hash by which a file read again is recognised as the text that was parsed.
fn text_hash(text: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(text);
    hasher.finish()
}

impl SourceMap {
    /// Registers a source and returns its id. Past 4 GiB of sources in one evaluation,
    /// further sources share the last position (their spans are no longer exact).
    ///
    /// The text of a file (`Origin::File`) must be the file's content: it is not kept,
    /// and excerpts are read from the file again.
    pub fn add(&mut self, origin: Origin, text: &str) -> FileId {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i as u32 + 1));
        let continuations = if text.is_ascii() {
            Box::default()
        } else {
            (0..bytes.len())
                .filter(|&i| bytes[i] & 0xC0 == 0x80)
                .map(|i| i as u32)
                .collect()
        };
        let kept = match origin {
            Origin::File(_) => SourceText::OnDisk {
                hash: text_hash(bytes),
            },
            Origin::String => SourceText::Kept(Rc::from(text)),
        };
        let base = self.next_base;
        // One position past the end, so that an empty source still has its own.
        let next = base as u64 + text.len() as u64 + 1;
        self.next_base = next.min(MAX_TOTAL) as u32;
        crate::alloc::sources_parsed(next);
        self.sources.push(Source {
            origin,
            base,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
            line_starts,
            continuations,
            text: kept,
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
            self.extents_of(src)
                .and_then(|e| e.end_of_node_at(start))
                .unwrap_or(start)
        } else {
            span.end.saturating_sub(src.base).max(start)
        };
        Some((src, start, end))
    }

    /// The (cached) syntax tree of `src`; `None` when its text is no longer available
    /// (see [`SourceMap::text`]).
    fn extents_of(&self, src: &Source) -> Option<Rc<Extents>> {
        if let Some((base, ext)) = self.extents.borrow().as_ref()
            && *base == src.base
        {
            return Some(ext.clone());
        }
        let ext = Rc::new(Extents::parse(&self.text(src)?));
        *self.extents.borrow_mut() = Some((src.base, ext.clone()));
        Some(ext)
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

    /// The text of `src` as it was parsed: kept for strings, read again for a file. `None`
    /// when the file can no longer be read or has changed since (another length or hash).
    pub fn text(&self, src: &Source) -> Option<Rc<str>> {
        let (path, hash) = match (&src.origin, &src.text) {
            (_, SourceText::Kept(text)) => return Some(text.clone()),
            (Origin::File(path), SourceText::OnDisk { hash }) => (path, *hash),
            (Origin::String, SourceText::OnDisk { .. }) => return None,
        };
        if let Some((base, text)) = &*self.reread.borrow()
            && *base == src.base
        {
            return Some(text.clone());
        }
        let bytes = std::fs::read(path).ok()?;
        if bytes.len() != src.len as usize || text_hash(&bytes) != hash {
            return None;
        }
        let text: Rc<str> = Rc::from(String::from_utf8(bytes).ok()?);
        *self.reread.borrow_mut() = Some((src.base, text.clone()));
        Some(text)
    }

    /// The text under `span`, if its source's text is still available.
    pub fn span_text(&self, span: Span) -> Option<String> {
        let (src, start, end) = self.resolve(span)?;
        let text = self.text(src)?;
        text.get(start as usize..end as usize).map(str::to_owned)
    }
}

impl Source {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.len);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let continued = self.continuations.partition_point(|&c| c < offset)
            - self.continuations.partition_point(|&c| c < start);
        let column = offset - start - continued as u32;
        (line as u32 + 1, column + 1)
    }

    /// The text of 1-based line `line` of `text` (this source's text), without its newline.
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> &'t str {
        let i = line as usize - 1;
        let start = self.line_starts.get(i).copied().unwrap_or(0) as usize;
        let end = self
            .line_starts
            .get(i + 1)
            .map(|e| *e as usize - 1)
            .unwrap_or(text.len());
        text.get(start..end).unwrap_or("")
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
        let a = map.add(Origin::String, "abc\ndef");
        let empty = map.add(Origin::File("/e.nix".into()), "");
        let b = map.add(Origin::File("/b.nix".into()), "x\n  y = 1;");
        assert_eq!(map.span_text(Span::new(a, 4, 7)).as_deref(), Some("def"));
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

    /// Columns count characters, not bytes, on lines after and with multi-byte characters,
    /// although a file's text is not kept.
    #[test]
    fn columns_count_characters_without_the_text() {
        let mut map = SourceMap::default();
        let text = "# «é»\n  s = \"€uro\"; t = 1;\nu = 2;";
        let f = map.add(Origin::File("/nonexistent/c.nix".into()), text);
        let at = |needle: &str| {
            let offset = text.find(needle).unwrap() as u32;
            let loc = map.locate(Span::new(f, offset, offset + 1)).unwrap();
            (loc.line, loc.column)
        };
        assert_eq!(at("é"), (1, 4));
        assert_eq!(at("»"), (1, 5));
        assert_eq!(at("€"), (2, 8));
        assert_eq!(at("t ="), (2, 15));
        assert_eq!(at("u ="), (3, 1));
        // The file was never there: its text is unavailable, its positions are not.
        assert!(map.span_text(Span::new(f, 0, 1)).is_none());
    }

    /// A file's text is read again for excerpts, and only while the file still holds the
    /// text that was parsed.
    #[test]
    fn file_text_is_read_again_only_while_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.nix");
        let text = "{ a = 1;\n  b = a; }";
        std::fs::write(&path, text).unwrap();
        let mut map = SourceMap::default();
        let f = map.add(Origin::File(path.to_str().unwrap().into()), text);
        let b = Span::new(f, 11, 16);
        assert_eq!(map.span_text(b).as_deref(), Some("b = a"));
        // Changed in place with the same length: the copy read before is still the parsed
        // text, but a new reading is recognised as another text by its hash.
        std::fs::write(&path, "{ a = 2;\n  b = a; }").unwrap();
        assert_eq!(map.span_text(b).as_deref(), Some("b = a"));
        *map.reread.borrow_mut() = None;
        assert!(map.span_text(b).is_none());
        // Restored, it is shown again; removed, it is not.
        std::fs::write(&path, text).unwrap();
        assert_eq!(map.span_text(b).as_deref(), Some("b = a"));
        *map.reread.borrow_mut() = None;
        std::fs::remove_file(&path).unwrap();
        assert!(map.span_text(b).is_none());
        assert_eq!(map.locate(b).map(|l| (l.line, l.column)), Some((2, 3)));
    }

    /// An open span is completed to the syntax starting at its position, in whichever
    /// source holds it (the cached tree is replaced when the source changes).
    #[test]
    fn open_spans_end_where_their_syntax_ends() {
        let mut map = SourceMap::default();
        let a = map.add(Origin::String, "{ a = 1; b.c = [ 2 ]; }");
        let b = map.add(Origin::String, "{ x }: { inherit x; }");
        let text = |span: Span| map.span_text(span).unwrap();
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
