//! Path helpers with Nix's semantics: lexical canonicalisation (no symlink resolution),
//! `baseNameOf` and `dirOf`.

/// Makes an absolute path canonical the way Nix does: collapses `//`, removes `.`,
/// resolves `..` lexically, and drops a trailing slash.
pub fn canonicalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(path.len());
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    out
}

/// `builtins.baseNameOf`: the last component, ignoring one trailing slash.
pub fn base_name(s: &str) -> &str {
    let trimmed = s.strip_suffix('/').unwrap_or(s);
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// `builtins.dirOf` on a string: everything before the last slash (`"."` if none).
pub fn dir_of(s: &str) -> String {
    match s.rfind('/') {
        Some(0) => "/".to_owned(),
        Some(i) => s[..i].to_owned(),
        None => ".".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises_like_nix() {
        assert_eq!(canonicalise("/a/./b//c/../d/"), "/a/b/d");
        assert_eq!(canonicalise("/.."), "/");
        assert_eq!(canonicalise("/"), "/");
    }

    #[test]
    fn base_and_dir_names() {
        assert_eq!(base_name("/a/b/"), "b");
        assert_eq!(base_name("foo"), "foo");
        assert_eq!(dir_of("/a/b"), "/a");
        assert_eq!(dir_of("/a"), "/");
        assert_eq!(dir_of("a"), ".");
    }
}
