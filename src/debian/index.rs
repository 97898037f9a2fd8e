//! A parsed package index: every stanza of one or more `Packages` files, indexed by
//! package name and by the virtual names packages provide.
//!
//! Field values stay in the original text; an [`Entry`] holds ranges into it. Parsing the
//! store form of bookworm's main index (about 63,000 stanzas) takes a few tens of
//! milliseconds.

use super::control::{fields, first_line, stanzas};
use super::relation::parse_field;
use super::version::compare;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;
use std::ops::Range;

/// The fields sysrebuild keeps from an index stanza, in the order the store form writes
/// them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Fld {
    Package,
    Version,
    Architecture,
    MultiArch,
    Essential,
    Priority,
    Section,
    InstalledSize,
    Provides,
    PreDepends,
    Depends,
    Filename,
    Size,
    Sha256,
    Description,
}

/// Every kept field with its name in control files.
pub const FIELDS: [(Fld, &str); 15] = [
    (Fld::Package, "Package"),
    (Fld::Version, "Version"),
    (Fld::Architecture, "Architecture"),
    (Fld::MultiArch, "Multi-Arch"),
    (Fld::Essential, "Essential"),
    (Fld::Priority, "Priority"),
    (Fld::Section, "Section"),
    (Fld::InstalledSize, "Installed-Size"),
    (Fld::Provides, "Provides"),
    (Fld::PreDepends, "Pre-Depends"),
    (Fld::Depends, "Depends"),
    (Fld::Filename, "Filename"),
    (Fld::Size, "Size"),
    (Fld::Sha256, "SHA256"),
    (Fld::Description, "Description"),
];

fn field_of(name: &str) -> Option<Fld> {
    FIELDS
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name))
        .map(|(f, _)| *f)
}

/// One package stanza: which text it is in and where each kept field's value is.
#[derive(Clone, Debug)]
pub struct Entry {
    source: u32,
    fields: [(u32, u32); FIELDS.len()],
}

/// The position of an entry in its [`Index`].
pub type EntryId = u32;

/// A virtual package provided by an entry, possibly with a version (`Provides: x (= 1)`).
#[derive(Clone, Debug)]
pub struct Provider {
    /// The providing entry.
    pub entry: EntryId,
    /// The provided version, for a versioned provide.
    pub version: Option<Box<str>>,
}

/// A stanza that lacks a field every package must have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: stanza {stanza} (package '{package}') has no {field} field")]
pub struct IndexError {
    /// Where the index came from.
    pub source_name: String,
    /// The stanza's number, from 1.
    pub stanza: usize,
    /// The package name, if it has one.
    pub package: String,
    /// The missing field.
    pub field: &'static str,
}

/// One or more parsed `Packages` texts.
#[derive(Default)]
pub struct Index {
    texts: Vec<String>,
    entries: Vec<Entry>,
    by_name: FxHashMap<Box<str>, Vec<EntryId>>,
    providers: FxHashMap<Box<str>, Vec<Provider>>,
}

impl Index {
    /// Parses `texts` (named for error messages). A name present several times (in several
    /// texts or versions) lists its entries highest version first.
    pub fn parse(texts: Vec<(String, String)>) -> Result<Index, IndexError> {
        let mut index = Index::default();
        for (source, (name, text)) in texts.into_iter().enumerate() {
            index.add_text(source as u32, &name, &text)?;
            index.texts.push(text);
        }
        let Index {
            texts,
            entries,
            by_name,
            ..
        } = &mut index;
        for ids in by_name.values_mut() {
            if ids.len() > 1 {
                ids.sort_by(|a, b| {
                    let (ea, eb) = (&entries[*a as usize], &entries[*b as usize]);
                    compare(
                        value(texts, eb, Fld::Version),
                        value(texts, ea, Fld::Version),
                    )
                    .then(Ordering::Equal)
                });
            }
        }
        Ok(index)
    }

    fn add_text(&mut self, source: u32, source_name: &str, text: &str) -> Result<(), IndexError> {
        for (n, stanza) in stanzas(text).enumerate() {
            let mut entry = Entry {
                source,
                fields: [(0, 0); FIELDS.len()],
            };
            for f in fields(text, stanza) {
                if let Some(which) = field_of(&text[f.name.clone()]) {
                    entry.fields[which as usize] = (f.value.start as u32, f.value.len() as u32);
                }
            }
            let get = |f: Fld| {
                let (s, l) = entry.fields[f as usize];
                &text[s as usize..(s + l) as usize]
            };
            let package = get(Fld::Package);
            for (fld, label) in [
                (Fld::Package, "Package"),
                (Fld::Version, "Version"),
                (Fld::Architecture, "Architecture"),
                (Fld::Filename, "Filename"),
                (Fld::Sha256, "SHA256"),
            ] {
                if get(fld).is_empty() {
                    return Err(IndexError {
                        source_name: source_name.to_owned(),
                        stanza: n + 1,
                        package: package.to_owned(),
                        field: label,
                    });
                }
            }
            let id = self.entries.len() as EntryId;
            self.by_name.entry(package.into()).or_default().push(id);
            // A Provides field that does not parse provides nothing rather than making
            // the whole index unusable.
            if let Ok(groups) = parse_field(get(Fld::Provides)) {
                for rel in groups.iter().flatten() {
                    self.providers
                        .entry(rel.name.into())
                        .or_default()
                        .push(Provider {
                            entry: id,
                            version: rel.constraint.map(|(_, v)| v.into()),
                        });
                }
            }
            self.entries.push(entry);
        }
        Ok(())
    }

    /// How many stanzas the index has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index has no stanza.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A field of an entry (`""` when the stanza does not have it).
    pub fn get(&self, id: EntryId, field: Fld) -> &str {
        value(&self.texts, &self.entries[id as usize], field)
    }

    /// The entry's package name.
    pub fn name(&self, id: EntryId) -> &str {
        self.get(id, Fld::Package)
    }

    /// The entry's version.
    pub fn version(&self, id: EntryId) -> &str {
        self.get(id, Fld::Version)
    }

    /// The synopsis (first line of `Description`).
    pub fn synopsis(&self, id: EntryId) -> &str {
        first_line(self.get(id, Fld::Description))
    }

    /// The entries named `name`, highest version first.
    pub fn named(&self, name: &str) -> &[EntryId] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The entries providing the virtual package `name`.
    pub fn providers(&self, name: &str) -> &[Provider] {
        self.providers.get(name).map_or(&[], Vec::as_slice)
    }

    /// The default entry for a name: its highest version.
    pub fn default_entry(&self, name: &str) -> Option<EntryId> {
        self.named(name).first().copied()
    }

    /// Every package name, in no particular order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(|k| &**k)
    }

    /// Every entry id.
    pub fn ids(&self) -> impl Iterator<Item = EntryId> {
        0..self.entries.len() as EntryId
    }

    /// The key naming an entry: its package name when it is the name's default entry,
    /// `name=version` otherwise.
    pub fn key(&self, id: EntryId) -> String {
        let name = self.name(id);
        if self.default_entry(name) == Some(id) {
            name.to_owned()
        } else {
            format!("{name}={}", self.version(id))
        }
    }

    /// The entry a key (see [`Index::key`]) names.
    pub fn by_key(&self, key: &str) -> Option<EntryId> {
        match key.split_once('=') {
            None => self.default_entry(key),
            Some((name, version)) => self
                .named(name)
                .iter()
                .copied()
                .find(|id| self.version(*id) == version),
        }
    }
}

fn value<'t>(texts: &'t [String], entry: &Entry, field: Fld) -> &'t str {
    let (s, l) = entry.fields[field as usize];
    texts
        .get(entry.source as usize)
        .and_then(|t| t.get(s as usize..(s + l) as usize))
        .unwrap_or("")
}

/// The store form of an index: only the fields in [`FIELDS`], `Description` reduced to its
/// synopsis, stanzas in their original order. Deterministic, so one upstream index always
/// gives the same store path. Returns the text and the number of stanzas.
pub fn compact(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len() / 3);
    let mut count = 0;
    for stanza in stanzas(text) {
        let mut kept: [Option<Range<usize>>; FIELDS.len()] = Default::default();
        for f in fields(text, stanza) {
            if let Some(which) = field_of(&text[f.name.clone()]) {
                kept[which as usize] = Some(f.value);
            }
        }
        for (i, (_, label)) in FIELDS.iter().enumerate() {
            let Some(range) = &kept[i] else { continue };
            let mut v = &text[range.clone()];
            if i == Fld::Description as usize {
                v = first_line(v);
            }
            // Relationship fields may be folded over lines; the store form keeps one line.
            out.push_str(label);
            out.push_str(": ");
            for (n, part) in v.split('\n').enumerate() {
                if n > 0 {
                    out.push(' ');
                }
                out.push_str(part.trim());
            }
            out.push('\n');
        }
        out.push('\n');
        count += 1;
    }
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
Package: a
Version: 1.0-1
Architecture: amd64
Maintainer: someone
Provides: virt, vv (= 2)
Depends: b (>= 1),
 c
Filename: pool/main/a/a_1.0-1_amd64.deb
Size: 10
SHA256: 00
Description: the a package
 with a long description

Package: a
Version: 1.1-1
Architecture: amd64
Filename: pool/main/a/a_1.1-1_amd64.deb
SHA256: 11
";

    #[test]
    fn indexes_names_versions_and_provides() {
        let index = Index::parse(vec![("t".into(), TEXT.into())]).expect("parses");
        assert_eq!(index.len(), 2);
        let ids = index.named("a");
        assert_eq!(index.version(ids[0]), "1.1-1");
        assert_eq!(index.key(ids[0]), "a");
        assert_eq!(index.key(ids[1]), "a=1.0-1");
        assert_eq!(index.by_key("a=1.0-1"), Some(ids[1]));
        assert_eq!(index.providers("vv")[0].version.as_deref(), Some("2"));
        assert_eq!(index.synopsis(ids[1]), "the a package");
    }

    #[test]
    fn compact_form_keeps_what_resolution_needs() {
        let (c, n) = compact(TEXT);
        assert_eq!(n, 2);
        assert!(!c.contains("Maintainer"));
        assert!(c.contains("Depends: b (>= 1), c\n"));
        assert!(c.contains("Description: the a package\n"));
        let index = Index::parse(vec![("c".into(), c)]).expect("parses");
        assert_eq!(index.get(index.named("a")[1], Fld::Depends), "b (>= 1), c");
    }

    #[test]
    fn missing_required_field_is_an_error() {
        let err = Index::parse(vec![("t".into(), "Package: x\nVersion: 1\n".into())])
            .err()
            .expect("error");
        assert_eq!(err.field, "Architecture");
        assert_eq!(err.package, "x");
    }
}
