//! Version strings: `builtins.splitVersion`, `builtins.compareVersions` and
//! `builtins.parseDrvName`.
//!
//! All functions work on bytes, like Nix: only ASCII `.`/`-` are separators,
//! only ASCII digits are digits and only ASCII letters count as letters, so
//! any non-ASCII byte is an ordinary "non-digit" character.

use std::cmp::Ordering;

/// Whether `b` separates version components (`.` or `-`).
fn is_separator(b: u8) -> bool {
    b == b'.' || b == b'-'
}

/// Returns the next version component of `s` starting at `*pos` and advances
/// `*pos` past it.
///
/// Leading separators are skipped; a component is then either a maximal run
/// of ASCII digits or a maximal run of bytes that are neither digits nor
/// separators. At the end of the input the component is empty.
fn next_component<'a>(s: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let mut p = *pos;
    while p < s.len() && is_separator(s[p]) {
        p += 1;
    }
    let start = p;
    if p < s.len() && s[p].is_ascii_digit() {
        while p < s.len() && s[p].is_ascii_digit() {
            p += 1;
        }
    } else {
        while p < s.len() && !s[p].is_ascii_digit() && !is_separator(s[p]) {
            p += 1;
        }
    }
    *pos = p;
    &s[start..p]
}

/// Splits a version string into its components, as `builtins.splitVersion`.
///
/// Components are separated by `.` and `-` and at every transition between
/// digits and non-digits; empty components are dropped. For example
/// `"1.2.3-rc1"` gives `["1", "2", "3", "rc", "1"]` and `"1.0_beta"` gives
/// `["1", "0", "_beta"]`.
pub fn split_version(version: &[u8]) -> Vec<&[u8]> {
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        let c = next_component(version, &mut pos);
        if c.is_empty() {
            break;
        }
        out.push(c);
    }
    out
}

/// Parses a component as Nix's `string2Int<int>`: all ASCII digits and within
/// the range of a C `int` (components that overflow count as non-numbers).
fn component_int(c: &[u8]) -> Option<i32> {
    if c.is_empty() || !c.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(c).ok()?.parse::<i32>().ok()
}

/// Whether component `c1` sorts strictly before `c2`.
///
/// Numbers compare numerically; the empty component (a missing one) is less
/// than a number; `pre` is less than anything except `pre`; a non-number is
/// less than a number; two non-numbers compare bytewise.
fn component_lt(c1: &[u8], c2: &[u8]) -> bool {
    let n1 = component_int(c1);
    let n2 = component_int(c2);
    match (n1, n2) {
        (Some(a), Some(b)) => a < b,
        _ if c1.is_empty() && n2.is_some() => true,
        _ if c1 == b"pre" && c2 != b"pre" => true,
        _ if c2 == b"pre" => false,
        (_, Some(_)) => true,
        (Some(_), _) => false,
        _ => c1 < c2,
    }
}

/// Compares two version strings, as `builtins.compareVersions` (which maps
/// the result to `-1`, `0` or `1`).
///
/// The strings are compared component by component (see [`split_version`]);
/// a missing component is the empty string. `"2.3pre1" < "2.3" < "2.3a" <
/// "2.3.1"`, and `"01"` equals `"1"`.
pub fn compare_versions(v1: &[u8], v2: &[u8]) -> Ordering {
    let (mut p1, mut p2) = (0, 0);
    while p1 < v1.len() || p2 < v2.len() {
        let c1 = next_component(v1, &mut p1);
        let c2 = next_component(v2, &mut p2);
        if component_lt(c1, c2) {
            return Ordering::Less;
        }
        if component_lt(c2, c1) {
            return Ordering::Greater;
        }
    }
    Ordering::Equal
}

/// Splits a derivation name into `(name, version)`, as
/// `builtins.parseDrvName`.
///
/// The version starts after the first `-` that is followed by a byte that is
/// not an ASCII letter; without such a dash the version is empty. For example
/// `"nix-0.12pre12876"` gives `("nix", "0.12pre12876")`, `"foo--1"` gives
/// `("foo", "-1")` and `"a-b-c"` gives `("a-b-c", "")`.
pub fn parse_drv_name(drv_name: &[u8]) -> (&[u8], &[u8]) {
    for i in 0..drv_name.len() {
        if drv_name[i] == b'-'
            && let Some(&next) = drv_name.get(i + 1)
            && !next.is_ascii_alphabetic()
        {
            return (&drv_name[..i], &drv_name[i + 1..]);
        }
    }
    (drv_name, b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(v: Vec<&[u8]>) -> Vec<String> {
        v.into_iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect()
    }

    /// Vectors from `nix-instantiate --eval --strict` (Nix 2.8).
    #[test]
    fn split_version_oracle() {
        let cases: &[(&str, &[&str])] = &[
            ("1.0pre1", &["1", "0", "pre", "1"]),
            ("2.3a", &["2", "3", "a"]),
            ("1.2.3-rc1", &["1", "2", "3", "rc", "1"]),
            ("", &[]),
            ("..1--2", &["1", "2"]),
            ("a", &["a"]),
            ("1a2b", &["1", "a", "2", "b"]),
            ("1.0_beta", &["1", "0", "_beta"]),
            ("  1 ", &["  ", "1", " "]),
            ("1.2.3", &["1", "2", "3"]),
            ("abc.def", &["abc", "def"]),
            ("01.002", &["01", "002"]),
        ];
        for (input, expected) in cases {
            assert_eq!(
                strs(split_version(input.as_bytes())),
                *expected,
                "splitVersion {input:?}"
            );
        }
    }

    /// Vectors from `nix-instantiate --eval` (Nix 2.8): (a, b, result).
    #[test]
    fn compare_versions_oracle() {
        let cases: &[(&str, &str, i32)] = &[
            ("1.0", "2.3", -1),
            ("2.1", "2.3", -1),
            ("2.3", "2.3", 0),
            ("2.5", "2.3", 1),
            ("3.1", "2.3", 1),
            ("2.3.1", "2.3", 1),
            ("2.3.1", "2.3a", 1),
            ("2.3pre1", "2.3", -1),
            ("2.3pre3", "2.3pre12", -1),
            ("2.3a", "2.3c", -1),
            ("2.3pre1", "2.3c", -1),
            ("2.3pre1", "2.3q", -1),
            ("1.0", "1.0a", -1),
            ("1.0a", "1.0", 1),
            ("1.0pre", "1.0", -1),
            ("1.0", "1.0.0", -1),
            ("1", "a", 1),
            ("a", "1", -1),
            ("pre", "a", -1),
            ("a", "pre", 1),
            ("pre", "", -1),
            ("", "1", -1),
            ("1.0", "1.0-", 0),
            ("01", "1", 0),
            ("2.3", "2.3pre", 1),
            ("1.2-rc1", "1.2", 1),
            ("1a", "1b", -1),
            ("alpha", "beta", -1),
            ("1.0", "1.0pre", 1),
            ("99999999999999999999", "1", -1),
            ("1.x", "1.1", -1),
            ("pre", "pre", 0),
            ("1.pre", "1.0", -1),
            ("1prea", "1", 1),
            ("1.preb", "1.a", 1),
            ("", "", 0),
            ("B", "a", -1),
            ("1.0", "1_0", 1),
        ];
        for (a, b, expected) in cases {
            let got = match compare_versions(a.as_bytes(), b.as_bytes()) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            };
            assert_eq!(got, *expected, "compareVersions {a:?} {b:?}");
        }
    }

    /// Vectors from `nix-instantiate --eval --strict` (Nix 2.8).
    #[test]
    fn parse_drv_name_oracle() {
        let cases: &[(&str, &str, &str)] = &[
            ("nix-0.12pre12876", "nix", "0.12pre12876"),
            ("hello-2.10", "hello", "2.10"),
            ("hello", "hello", ""),
            ("", "", ""),
            ("a-b-c", "a-b-c", ""),
            ("a-b-1", "a-b", "1"),
            ("foo-", "foo-", ""),
            ("-1", "", "1"),
            ("foo--1", "foo", "-1"),
            ("foo-1-2", "foo", "1-2"),
            ("foo-bar-1.0", "foo-bar", "1.0"),
            ("foo-.1", "foo", ".1"),
            ("foo-_x", "foo", "_x"),
            ("foo-Bar", "foo-Bar", ""),
            ("foo-é", "foo", "é"),
            ("python3.9-requests-2.26", "python3.9-requests", "2.26"),
            ("x-1a", "x", "1a"),
            ("foo- 1", "foo", " 1"),
            ("a-b", "a-b", ""),
            ("foo-unstable-2021-01-01", "foo-unstable", "2021-01-01"),
        ];
        for (input, name, version) in cases {
            let (n, v) = parse_drv_name(input.as_bytes());
            assert_eq!(
                (n, v),
                (name.as_bytes(), version.as_bytes()),
                "parseDrvName {input:?}"
            );
        }
    }
}
