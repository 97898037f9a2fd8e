//! Debian version strings and their ordering (Debian Policy §5.6.12, as `dpkg
//! --compare-versions` implements it).
//!
//! A version is `[epoch:]upstream[-revision]`. Parts are compared in that order; within
//! upstream and revision, runs of non-digits are compared character by character (letters
//! before non-letters, `~` before everything, even the end of the string) and runs of
//! digits numerically.

use std::cmp::Ordering;

/// A parsed Debian version, borrowing from the text it was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version<'a> {
    /// The epoch (`0` when absent).
    pub epoch: u64,
    /// The upstream version.
    pub upstream: &'a str,
    /// The Debian revision (`""` when absent).
    pub revision: &'a str,
}

impl<'a> Version<'a> {
    /// Splits `text` into epoch, upstream version and revision. Lenient as dpkg's
    /// comparison is: an epoch that is not a number counts as part of the upstream version.
    pub fn parse(text: &'a str) -> Version<'a> {
        let text = text.trim();
        let (epoch, rest) = match text.split_once(':') {
            Some((e, rest)) => match e.parse::<u64>() {
                Ok(n) => (n, rest),
                Err(_) => (0, text),
            },
            None => (0, text),
        };
        let (upstream, revision) = match rest.rfind('-') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        Version {
            epoch,
            upstream,
            revision,
        }
    }
}

impl Ord for Version<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_part(self.upstream, other.upstream))
            .then_with(|| compare_part(self.revision, other.revision))
    }
}

impl PartialOrd for Version<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two version strings the way dpkg does.
pub fn compare(a: &str, b: &str) -> Ordering {
    Version::parse(a).cmp(&Version::parse(b))
}

/// The weight of one character in the non-digit comparison: `~` sorts before the end of
/// the string, letters before everything else.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp` on one part (upstream or revision).
fn compare_part(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // The non-digit prefix, character by character.
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let ca = a.get(i).copied().filter(|c| !c.is_ascii_digit());
            let cb = b.get(j).copied().filter(|c| !c.is_ascii_digit());
            let (oa, ob) = (order(ca), order(cb));
            if oa != ob {
                return oa.cmp(&ob);
            }
            if ca.is_some() {
                i += 1;
            }
            if cb.is_some() {
                j += 1;
            }
        }
        // The digit run, numerically: skip leading zeros, then longer is bigger, then
        // the first differing digit decides.
        while i < a.len() && a[i] == b'0' {
            i += 1;
        }
        while j < b.len() && b[j] == b'0' {
            j += 1;
        }
        let start_a = i;
        let start_b = j;
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let (da, db) = (&a[start_a..i], &b[start_b..j]);
        let by_len = da.len().cmp(&db.len());
        if by_len != Ordering::Equal {
            return by_len;
        }
        let by_digits = da.cmp(db);
        if by_digits != Ordering::Equal {
            return by_digits;
        }
    }
    Ordering::Equal
}

/// A version name fit for a store path: `:` becomes `_`, `~` becomes `-`, and any other
/// character a store path name cannot hold becomes `_`.
pub fn sanitise(version: &str) -> String {
    version
        .chars()
        .map(|c| match c {
            '~' => '-',
            c if c.is_ascii_alphanumeric() || "+-._?=".contains(c) => c,
            _ => '_',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn check(a: &str, b: &str, expected: Ordering) {
        assert_eq!(compare(a, b), expected, "{a} vs {b}");
        assert_eq!(compare(b, a), expected.reverse(), "{b} vs {a}");
    }

    #[test]
    fn parses_epoch_upstream_revision() {
        let v = Version::parse("1:2.30-1+deb12u1");
        assert_eq!((v.epoch, v.upstream, v.revision), (1, "2.30", "1+deb12u1"));
        let v = Version::parse("2.36-9-1");
        assert_eq!((v.upstream, v.revision), ("2.36-9", "1"));
        let v = Version::parse("5.2.15");
        assert_eq!((v.epoch, v.upstream, v.revision), (0, "5.2.15", ""));
    }

    #[test]
    fn equal_versions() {
        check("1.0", "1.0", Equal);
        check("0:1.0", "1.0", Equal);
        check("1.0-0", "1.0-0", Equal);
        check("01.0", "1.0", Equal);
        check("1.00", "1.0", Equal);
    }

    #[test]
    fn epoch_dominates() {
        check("1:0.1", "9.9", Greater);
        check("2:1.0", "1:9.0", Greater);
        check("1:1.0-1", "1:1.0-2", Less);
    }

    #[test]
    fn numeric_runs_compare_as_numbers() {
        check("1.10", "1.9", Greater);
        check("1.0.10", "1.0.9", Greater);
        check("2.36-9+deb12u10", "2.36-9+deb12u9", Greater);
        check("10", "9", Greater);
        check("1.2.3", "1.2", Greater);
    }

    #[test]
    fn tilde_sorts_before_everything() {
        check("1.0~rc1", "1.0", Less);
        check("1.0~~", "1.0~", Less);
        check("1.0~~a", "1.0~~", Greater);
        check("1.0~rc1", "1.0~rc2", Less);
        check("1.0~", "1.0", Less);
        check("1.0-1~bpo1", "1.0-1", Less);
    }

    #[test]
    fn letters_before_other_characters() {
        check("1.0a", "1.0+", Less);
        check("1.0a", "1.0", Greater);
        check("1.0+b1", "1.0", Greater);
        check("1.0.", "1.0a", Greater);
        check("1a", "1b", Less);
        check("1Z", "1a", Less);
    }

    #[test]
    fn revision_compared_after_upstream() {
        check("1.0-2", "1.0-10", Less);
        check("1.0-1", "1.0", Greater);
        check("1.0-1", "1.0.1", Less);
        check("5.2.15-2+b7", "5.2.15-2+b2", Greater);
        check("2.38.1-5+deb12u3", "2.38.1-5+b1", Greater);
    }

    #[test]
    fn dpkg_reference_cases() {
        // Cases from dpkg's own test suite (lib/dpkg/t/t-version.c).
        check("0", "0", Equal);
        check("0", "00", Equal);
        check("1", "0", Greater);
        check("0:0-0", "0:0-0", Equal);
        check("0:0.0-0", "0:0.0-0", Equal);
        check("0:0-0", "0:0.0-0", Less);
        check("0:0.0-0", "0:0.0-00", Equal);
        check("0:0-0", "0:0-00", Equal);
        check("0:0a-0", "0:0b-0", Less);
        check("0:0+a", "0:0a", Greater);
        check("0:0~", "0:0", Less);
        check("0:0~~", "0:0~", Less);
    }

    #[test]
    fn sanitises_for_store_names() {
        assert_eq!(sanitise("1:2.3~rc1-2"), "1_2.3-rc1-2");
        assert_eq!(sanitise("2.36-9+deb12u9"), "2.36-9+deb12u9");
    }
}
