//! Text for man pages: escaping for roff and a Markdown-to-roff renderer covering what
//! option descriptions use (paragraphs, emphasis, inline code, code blocks, lists, links).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// `text` safe inside a roff line: backslashes and hyphens escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\e"),
            '-' => out.push_str("\\-"),
            _ => out.push(c),
        }
    }
    out
}

/// Multi-line text (a code block's content): each line escaped, and lines that roff would
/// read as requests (starting with `.` or `'`) protected.
pub fn escape_lines(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| protect_line(&escape(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn protect_line(line: &str) -> String {
    if line.starts_with('.') || line.starts_with('\'') {
        format!("\\&{line}")
    } else {
        line.to_owned()
    }
}

/// Markdown rendered as roff (man macros).
pub fn from_markdown(md: &str) -> String {
    let mut out = Writer::default();
    let mut list_depth = 0usize;
    let mut in_code_block = false;
    let mut link_targets: Vec<String> = Vec::new();
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::Paragraph) if list_depth == 0 => out.request(".sp"),
            Event::End(TagEnd::Paragraph) => out.end_line(),
            Event::Start(Tag::Emphasis) => out.text_raw("\\fI"),
            Event::Start(Tag::Strong) => out.text_raw("\\fB"),
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => out.text_raw("\\fR"),
            Event::Code(code) => {
                out.text_raw("\\fB");
                out.text(&code);
                out.text_raw("\\fR");
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                out.request(".sp");
                out.request(".RS 4");
                out.request(".nf");
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                out.request(".fi");
                out.request(".RE");
            }
            Event::Start(Tag::List(_)) => {
                list_depth += 1;
                if list_depth > 1 {
                    out.request(".RS 2");
                }
            }
            Event::End(TagEnd::List(_)) => {
                if list_depth > 1 {
                    out.request(".RE");
                }
                list_depth = list_depth.saturating_sub(1);
            }
            Event::Start(Tag::Item) => out.request(".IP \\(bu 2"),
            Event::End(TagEnd::Item) => out.end_line(),
            Event::Start(Tag::Link { dest_url, .. }) => link_targets.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link_targets.pop()
                    && !url.is_empty()
                {
                    out.text(&format!(" <{url}>"));
                }
            }
            Event::Start(Tag::Heading { .. }) => out.request(".sp"),
            Event::End(TagEnd::Heading(_)) => out.end_line(),
            Event::Text(t) if in_code_block => out.code_lines(&t),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.text(&t),
            Event::SoftBreak => out.end_line(),
            Event::HardBreak => {
                out.end_line();
                out.request(".br");
            }
            Event::Rule => out.request(".sp"),
            _ => {}
        }
    }
    out.finish()
}

/// Accumulates roff, keeping track of whether the current line is empty (requests
/// must start a line; text starting a line must not look like a request).
#[derive(Default)]
struct Writer {
    out: String,
    line: String,
}

impl Writer {
    fn end_line(&mut self) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.out.push_str(&protect_line(&line));
            self.out.push('\n');
        }
    }

    fn request(&mut self, req: &str) {
        self.end_line();
        self.out.push_str(req);
        self.out.push('\n');
    }

    fn text(&mut self, t: &str) {
        let escaped = escape(t);
        self.text_raw(&escaped);
    }

    fn text_raw(&mut self, t: &str) {
        self.line.push_str(t);
    }

    fn code_lines(&mut self, t: &str) {
        for (i, l) in t.split('\n').enumerate() {
            if i > 0 {
                self.end_line_keep_empty();
            }
            self.text(l);
        }
    }

    fn end_line_keep_empty(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.out.push_str(&protect_line(&line));
        self.out.push('\n');
    }

    fn finish(mut self) -> String {
        self.end_line();
        let mut s = self.out;
        // The first paragraph needs no space before it.
        if let Some(rest) = s.strip_prefix(".sp\n") {
            s = rest.to_owned();
        }
        s.trim_end().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_backslashes_and_hyphens() {
        assert_eq!(escape("a\\b-c"), "a\\eb\\-c");
    }

    #[test]
    fn protects_lines_that_look_like_requests() {
        assert_eq!(escape_lines(".x\n'y\nz"), "\\&.x\n\\&'y\nz");
    }

    #[test]
    fn renders_paragraphs_lists_and_code_blocks() {
        let roff =
            from_markdown("First *a* `b`.\n\nSecond [l](http://x).\n\n- i\n\n```\n.a\nb\n```");
        assert_eq!(
            roff,
            "First \\fIa\\fR \\fBb\\fR.\n.sp\nSecond l <http://x>.\n.IP \\(bu 2\ni\n.sp\n.RS 4\n.nf\n\\&.a\nb\n.fi\n.RE"
        );
    }
}
