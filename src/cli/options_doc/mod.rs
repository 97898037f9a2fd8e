//! Option documentation: Markdown, HTML and a man page, rendered from the option list
//! that `sysrebuild options --json` prints, through handlebars templates
//! (`templates/`). Descriptions are Markdown, as in NixOS: kept as they are in
//! Markdown, turned into HTML with pulldown-cmark, and into roff by [`roff`].

mod roff;

use handlebars::{Handlebars, no_escape};
use serde::{Deserialize, Serialize};

/// A format option documentation renders to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    /// CommonMark, one section per option.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// A man page (roff), section 5.
    Man,
}

/// One option as `options_cmd.nix` describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct OptionDoc {
    /// `networking.hostName`.
    pub name: String,
    /// The type's description (`string`, `list of package`…).
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// The default, as Nix text.
    pub default: Option<String>,
    /// The example, as Nix text.
    pub example: Option<String>,
    /// The description, in Markdown.
    pub description: Option<String>,
    /// The files declaring the option.
    #[serde(default)]
    pub declarations: Vec<String>,
    /// Whether the option may be defined only once.
    #[serde(default, rename = "readOnly")]
    pub read_only: bool,
}

/// What a template sees for one option: every text already in the target format.
#[derive(Serialize)]
struct TemplateOption {
    name: String,
    anchor: String,
    #[serde(rename = "type")]
    type_: String,
    default: Option<String>,
    example: Option<String>,
    description: Option<String>,
    declarations: Vec<String>,
    #[serde(rename = "readOnly")]
    read_only: bool,
}

#[derive(Serialize)]
struct TemplateData {
    title: String,
    man_name: String,
    man_name_lower: String,
    count: usize,
    options: Vec<TemplateOption>,
}

/// Why documentation could not be rendered (a bug in a template, never user input).
#[derive(Debug, thiserror::Error)]
#[error("rendering option documentation: {0}")]
pub struct DocError(String);

const MARKDOWN: &str = include_str!("templates/options.md.hbs");
const HTML: &str = include_str!("templates/options.html.hbs");
const MAN: &str = include_str!("templates/options.man.hbs");

/// Renders `options` (in the order given) as a document called `title`.
pub fn render(format: DocFormat, title: &str, options: &[OptionDoc]) -> Result<String, DocError> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    let template = match format {
        DocFormat::Markdown => MARKDOWN,
        DocFormat::Html => HTML,
        DocFormat::Man => MAN,
    };
    if format != DocFormat::Html {
        // Texts are escaped for the target format before they reach the template.
        hb.register_escape_fn(no_escape);
    }
    hb.register_template_string("doc", template)
        .map_err(|e| DocError(e.to_string()))?;
    let options: Vec<TemplateOption> = options.iter().map(|o| prepare(format, o)).collect();
    let man_name = title.to_uppercase().replace(' ', "-");
    let data = TemplateData {
        title: match format {
            DocFormat::Man => roff::escape(title),
            _ => title.to_owned(),
        },
        man_name_lower: roff::escape(&man_name.to_lowercase()),
        man_name: roff::escape(&man_name),
        count: options.len(),
        options,
    };
    hb.render("doc", &data).map_err(|e| DocError(e.to_string()))
}

fn prepare(format: DocFormat, o: &OptionDoc) -> TemplateOption {
    let type_ = o.type_.clone().unwrap_or_else(|| "unspecified".to_owned());
    let description = o
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let (description, default, example, type_, declarations, name) = match format {
        DocFormat::Markdown => (
            description.map(str::to_owned),
            o.default.as_deref().map(markdown_code),
            o.example.as_deref().map(markdown_code),
            type_,
            o.declarations.clone(),
            markdown_heading(&o.name),
        ),
        DocFormat::Html => (
            description.map(markdown_to_html),
            o.default.clone(),
            o.example.clone(),
            type_,
            o.declarations.clone(),
            o.name.clone(),
        ),
        DocFormat::Man => (
            description.map(roff::from_markdown),
            o.default.as_deref().map(roff::escape_lines),
            o.example.as_deref().map(roff::escape_lines),
            roff::escape(&type_),
            o.declarations.iter().map(|d| roff::escape(d)).collect(),
            roff::escape(&o.name),
        ),
    };
    TemplateOption {
        anchor: anchor(&o.name),
        name,
        type_,
        default,
        example,
        description,
        declarations,
        read_only: o.read_only,
    }
}

/// An HTML id for an option: its name with anything unusual replaced.
fn anchor(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// An option name as a Markdown heading: characters Markdown would interpret escaped.
fn markdown_heading(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if "\\`*_<>[]#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Nix text as Markdown code: inline when it is one line, fenced otherwise.
fn markdown_code(text: &str) -> String {
    if !text.contains('\n') && !text.contains('`') {
        return format!("`{text}`");
    }
    let mut fence = "```".to_owned();
    while text.contains(&fence) {
        fence.push('`');
    }
    format!("\n\n{fence}nix\n{}\n{fence}", text.trim_end())
}

fn markdown_to_html(md: &str) -> String {
    let parser = pulldown_cmark::Parser::new(md);
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_name() -> OptionDoc {
        OptionDoc {
            name: "networking.hostName".into(),
            type_: Some("string".into()),
            default: Some("\"nixos\"".into()),
            example: Some("{\n  a = 1;\n}".into()),
            description: Some("The *host* name, see `hostname(1)`.".into()),
            declarations: vec!["/etc/m/net.nix".into()],
            read_only: false,
        }
    }

    fn users_option() -> OptionDoc {
        OptionDoc {
            name: "users.users.<name>.home".into(),
            type_: Some("path".into()),
            default: None,
            example: None,
            description: Some("Where <b> & .dots go\n\n- one\n- two".into()),
            declarations: vec![],
            read_only: true,
        }
    }

    #[test]
    fn markdown_has_a_section_per_option() {
        let md = render(
            DocFormat::Markdown,
            "Options",
            &[host_name(), users_option()],
        )
        .unwrap();
        assert!(md.starts_with("# Options\n"), "{md}");
        assert!(
            md.contains("## networking.hostName\n\nThe *host* name"),
            "{md}"
        );
        assert!(md.contains("*Type:* string\n"), "{md}");
        assert!(md.contains("*Default:* `\"nixos\"`"), "{md}");
        assert!(md.contains("```nix\n{\n  a = 1;\n}\n```"), "{md}");
        assert!(md.contains(" - `/etc/m/net.nix`"), "{md}");
        assert!(md.contains("## users.users.\\<name\\>.home"), "{md}");
        assert!(md.contains("*Type:* path (read only)"), "{md}");
    }

    #[test]
    fn html_escapes_text_and_renders_descriptions() {
        let html = render(DocFormat::Html, "Options", &[host_name(), users_option()]).unwrap();
        assert!(html.contains("<em>host</em>"), "{html}");
        assert!(html.contains("<code>hostname(1)</code>"), "{html}");
        assert!(html.contains("users.users.&lt;name&gt;.home"), "{html}");
        assert!(
            html.contains("id=\"opt-users.users._name_.home\""),
            "{html}"
        );
        assert!(html.contains("&quot;nixos&quot;"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
    }

    #[test]
    fn man_page_is_roff() {
        let man = render(
            DocFormat::Man,
            "sysrebuild options",
            &[host_name(), users_option()],
        )
        .unwrap();
        assert!(
            man.starts_with(".TH \"SYSREBUILD\\-OPTIONS\" \"5\""),
            "{man}"
        );
        assert!(man.contains("\\fBnetworking.hostName\\fR"), "{man}");
        assert!(
            man.contains("The \\fIhost\\fR name, see \\fBhostname(1)\\fR."),
            "{man}"
        );
        // A line starting with a dot would be a roff request.
        assert!(
            man.contains("\n\\&.dots go") || man.contains("Where <b> & .dots go"),
            "{man}"
        );
        assert!(!man.lines().any(|l| l.starts_with(".dots")), "{man}");
        assert!(man.contains(".IP \\(bu 2\none"), "{man}");
    }
}
