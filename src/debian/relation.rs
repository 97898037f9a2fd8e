//! Relationship fields (`Depends`, `Pre-Depends`, `Provides`): comma-separated groups of
//! `|`-separated alternatives, each a name with an optional architecture qualifier and an
//! optional version constraint, e.g. `libc6 (>= 2.34), awk | mawk:any`.

use super::version::compare;
use std::cmp::Ordering;
use std::fmt;

/// A version relation operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<<`
    Less,
    /// `<=` (and the obsolete `<`)
    LessEq,
    /// `=`
    Eq,
    /// `>=` (and the obsolete `>`)
    GreaterEq,
    /// `>>`
    Greater,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "<<" => Op::Less,
            "<=" | "<" => Op::LessEq,
            "=" => Op::Eq,
            ">=" | ">" => Op::GreaterEq,
            ">>" => Op::Greater,
            _ => return None,
        })
    }

    /// Whether `version` stands in this relation to `wanted`.
    pub fn holds(self, version: &str, wanted: &str) -> bool {
        let ord = compare(version, wanted);
        match self {
            Op::Less => ord == Ordering::Less,
            Op::LessEq => ord != Ordering::Greater,
            Op::Eq => ord == Ordering::Equal,
            Op::GreaterEq => ord != Ordering::Less,
            Op::Greater => ord == Ordering::Greater,
        }
    }

    /// The operator as written in control files.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Less => "<<",
            Op::LessEq => "<=",
            Op::Eq => "=",
            Op::GreaterEq => ">=",
            Op::Greater => ">>",
        }
    }
}

/// One alternative: `name[:arch] [(op version)]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation<'a> {
    /// The package (or virtual package) name.
    pub name: &'a str,
    /// The architecture qualifier (`any`, `native`, or an architecture), if any.
    pub arch: Option<&'a str>,
    /// The version constraint, if any.
    pub constraint: Option<(Op, &'a str)>,
}

impl Relation<'_> {
    /// Whether a package version satisfies the constraint (always, without one).
    pub fn accepts(&self, version: &str) -> bool {
        self.constraint.is_none_or(|(op, v)| op.holds(version, v))
    }
}

impl fmt::Display for Relation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)?;
        if let Some(arch) = self.arch {
            write!(f, ":{arch}")?;
        }
        if let Some((op, v)) = self.constraint {
            write!(f, " ({} {v})", op.as_str())?;
        }
        Ok(())
    }
}

/// A relationship field that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed relation '{text}': {reason}")]
pub struct RelationError {
    /// The offending alternative.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Parses a whole field into groups of alternatives.
pub fn parse_field(text: &str) -> Result<Vec<Vec<Relation<'_>>>, RelationError> {
    text.split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(|group| group.split('|').map(parse_one).collect())
        .collect()
}

/// Parses one alternative.
pub fn parse_one(text: &str) -> Result<Relation<'_>, RelationError> {
    let err = |reason| RelationError {
        text: text.trim().to_owned(),
        reason,
    };
    // Architecture restrictions (`[amd64]`) and build profiles (`<!nocheck>`) only occur
    // in source packages; drop them if present.
    let text = text.trim();
    let restrictions_from = match text.find(')') {
        Some(close) => close + 1,
        None => 0,
    };
    let text = match text[restrictions_from..].find(['[', '<']) {
        Some(i) if !text[..restrictions_from + i].contains('(') || restrictions_from > 0 => {
            text[..restrictions_from + i].trim()
        }
        _ => text,
    };
    let (head, constraint) = match text.split_once('(') {
        Some((head, rest)) => {
            let inner = rest
                .strip_suffix(')')
                .ok_or_else(|| err("unclosed '('"))?
                .trim();
            let split = inner
                .find(|c: char| !matches!(c, '<' | '>' | '='))
                .ok_or_else(|| err("a version constraint without a version"))?;
            let op = Op::parse(&inner[..split]).ok_or_else(|| err("unknown operator"))?;
            let version = inner[split..].trim();
            if version.is_empty() {
                return Err(err("a version constraint without a version"));
            }
            (head.trim(), Some((op, version)))
        }
        None => (text, None),
    };
    let (name, arch) = match head.split_once(':') {
        Some((n, a)) => (n.trim(), Some(a.trim())),
        None => (head, None),
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(err("not a package name"));
    }
    Ok(Relation {
        name,
        arch,
        constraint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_groups_alternatives_and_constraints() {
        let f = parse_field("libc6 (>= 2.34), awk | mawk:any, perl:any (<< 6~), x (= 1:2.0-1)")
            .expect("parses");
        assert_eq!(f.len(), 4);
        assert_eq!(f[0][0].name, "libc6");
        assert_eq!(f[0][0].constraint, Some((Op::GreaterEq, "2.34")));
        assert_eq!(f[1].len(), 2);
        assert_eq!(f[1][1].arch, Some("any"));
        assert_eq!(f[2][0].constraint, Some((Op::Less, "6~")));
        assert_eq!(f[3][0].constraint, Some((Op::Eq, "1:2.0-1")));
        assert_eq!(f[0][0].to_string(), "libc6 (>= 2.34)");
    }

    #[test]
    fn constraint_checks() {
        let r = parse_one("a (>= 1.0)").expect("parses");
        assert!(r.accepts("1.0"));
        assert!(r.accepts("1.1"));
        assert!(!r.accepts("1.0~rc1"));
        let r = parse_one("a (<< 2)").expect("parses");
        assert!(r.accepts("1.9"));
        assert!(!r.accepts("2"));
        let r = parse_one("a (>> 2)").expect("parses");
        assert!(!r.accepts("2"));
        assert!(r.accepts("2-1"));
        let r = parse_one("a (<= 2)").expect("parses");
        assert!(r.accepts("2") && !r.accepts("1:0"));
        assert!(parse_one("a").expect("parses").accepts("anything"));
    }

    #[test]
    fn rejects_malformed() {
        assert!(parse_one("a (>= 1").is_err());
        assert!(parse_one("a (~~ 1)").is_err());
        assert!(parse_one("a (>=)").is_err());
        assert!(parse_one(" ").is_err());
        let r = parse_one("b (>= 1) [amd64] <!nocheck>").expect("parses");
        assert_eq!(r.constraint, Some((Op::GreaterEq, "1")));
        assert_eq!(parse_one("c [i386]").expect("parses").name, "c");
    }
}
