//! Where a piece of syntax ends, given only where it starts.
//!
//! Runtime records keep just the start of a span where that is all they need most of the
//! time (an attribute remembers where its definition starts: 4 bytes instead of 8, on
//! every attribute of every set). When such a span is shown in an error, the source is
//! parsed again (with rnix, whose node ranges are the spans both front ends record) and
//! the span is completed to the outermost syntax node starting there: the whole
//! `name = value;` of a definition, the name of an inherited attribute, the whole
//! `name ? default` of a formal argument.

use rnix::{SyntaxKind, SyntaxNode};
use rowan::TextSize;

/// One source's syntax tree, kept for looking up where nodes end.
pub struct Extents {
    root: SyntaxNode,
}

impl Extents {
    /// Parses `text`. Syntax errors do not matter: only nodes are looked up.
    pub fn parse(text: &str) -> Extents {
        let parse = stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || rnix::Root::parse(text));
        Extents {
            root: parse.syntax(),
        }
    }

    /// The end of the outermost node (other than the whole file) that starts at byte
    /// `offset`; `None` if no node starts there (the offset is inside a token, or past the
    /// end).
    pub fn end_of_node_at(&self, offset: u32) -> Option<u32> {
        let at = TextSize::from(offset);
        if at >= self.root.text_range().end() {
            return None;
        }
        let token = self.root.token_at_offset(at).right_biased()?;
        if token.text_range().start() != at {
            return None;
        }
        token
            .parent_ancestors()
            .take_while(|n| n.text_range().start() == at && n.kind() != SyntaxKind::NODE_ROOT)
            .last()
            .map(|n| n.text_range().end().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extent(text: &str, at: &str) -> Option<&'static str> {
        let start = text.find(at).expect("marker in text") as u32;
        let end = Extents::parse(text).end_of_node_at(start)?;
        Some(Box::leak(
            text[start as usize..end as usize]
                .to_owned()
                .into_boxed_str(),
        ))
    }

    /// A definition's span is the whole `path = value;`, as the parsers record it.
    #[test]
    fn definitions_extend_to_their_semicolon() {
        let text = "{ a.b = { c = 1; }; d = x: x;\n  \"e f\" = 2; }";
        assert_eq!(extent(text, "a.b"), Some("a.b = { c = 1; };"));
        assert_eq!(extent(text, "c ="), Some("c = 1;"));
        assert_eq!(extent(text, "d ="), Some("d = x: x;"));
        assert_eq!(extent(text, "\"e f\""), Some("\"e f\" = 2;"));
    }

    /// Inherited names, formal arguments and expressions are completed to their node.
    #[test]
    fn inherits_formals_and_expressions() {
        let text = "{ a ? 1, b }: let inherit (a) x y; in f x { }";
        assert_eq!(extent(text, "a ?"), Some("a ? 1"));
        assert_eq!(extent(text, "b }"), Some("b"));
        assert_eq!(extent(text, "y;"), Some("y"));
        assert_eq!(extent(text, "f x"), Some("f x { }"));
    }

    /// Offsets inside a token or past the end give none; the file's expression is a node.
    #[test]
    fn no_node_starts_inside_a_token() {
        let text = "{ abc = 1; }";
        let ext = Extents::parse(text);
        assert_eq!(ext.end_of_node_at(3), None);
        assert_eq!(ext.end_of_node_at(100), None);
        assert_eq!(ext.end_of_node_at(0), Some(12));
    }
}
