//! The account databases: `/etc/passwd`, `/etc/group` and `/etc/shadow` as records,
//! read leniently (a line that does not parse is kept as it is) and written back in
//! their own formats.

/// A line of `/etc/passwd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswdEntry {
    /// Login name.
    pub name: String,
    /// User id.
    pub uid: u32,
    /// Primary group id.
    pub gid: u32,
    /// GECOS (full name).
    pub gecos: String,
    /// Home directory.
    pub home: String,
    /// Login shell.
    pub shell: String,
}

/// A line of `/etc/group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEntry {
    /// Group name.
    pub name: String,
    /// Group id.
    pub gid: u32,
    /// Member user names.
    pub members: Vec<String>,
}

/// A line of `/etc/shadow`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShadowEntry {
    /// Login name.
    pub name: String,
    /// crypt(3) hash, `!`/`*` for a locked account.
    pub hash: String,
    /// The remaining fields (last change, min, max, warn, inactive, expire, reserved).
    pub rest: String,
}

/// Parses `/etc/passwd`; lines that do not parse are skipped (returned separately).
pub fn parse_passwd(text: &str) -> (Vec<PasswdEntry>, Vec<String>) {
    let mut entries = Vec::new();
    let mut bad = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(':').collect();
        match (
            f.len(),
            f.get(2).and_then(|s| s.parse().ok()),
            f.get(3).and_then(|s| s.parse().ok()),
        ) {
            (7, Some(uid), Some(gid)) => entries.push(PasswdEntry {
                name: f[0].to_owned(),
                uid,
                gid,
                gecos: f[4].to_owned(),
                home: f[5].to_owned(),
                shell: f[6].to_owned(),
            }),
            _ => bad.push(line.to_owned()),
        }
    }
    (entries, bad)
}

/// Parses `/etc/group`.
pub fn parse_group(text: &str) -> (Vec<GroupEntry>, Vec<String>) {
    let mut entries = Vec::new();
    let mut bad = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(':').collect();
        match (f.len(), f.get(2).and_then(|s| s.parse().ok())) {
            (4, Some(gid)) => entries.push(GroupEntry {
                name: f[0].to_owned(),
                gid,
                members: f[3]
                    .split(',')
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .collect(),
            }),
            _ => bad.push(line.to_owned()),
        }
    }
    (entries, bad)
}

/// Parses `/etc/shadow`.
pub fn parse_shadow(text: &str) -> Vec<ShadowEntry> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|line| {
            let mut parts = line.splitn(3, ':');
            let name = parts.next()?.to_owned();
            let hash = parts.next()?.to_owned();
            let rest = parts.next().unwrap_or("::::::").to_owned();
            Some(ShadowEntry { name, hash, rest })
        })
        .collect()
}

/// `/etc/passwd` text.
pub fn format_passwd(entries: &[PasswdEntry]) -> String {
    entries
        .iter()
        .map(|e| {
            format!(
                "{}:x:{}:{}:{}:{}:{}\n",
                e.name, e.uid, e.gid, e.gecos, e.home, e.shell
            )
        })
        .collect()
}

/// `/etc/group` text.
pub fn format_group(entries: &[GroupEntry]) -> String {
    entries
        .iter()
        .map(|e| format!("{}:x:{}:{}\n", e.name, e.gid, e.members.join(",")))
        .collect()
}

/// `/etc/shadow` text.
pub fn format_shadow(entries: &[ShadowEntry]) -> String {
    entries
        .iter()
        .map(|e| format!("{}:{}:{}\n", e.name, e.hash, e.rest))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_bad_lines_apart() {
        let text = "root:x:0:0:root:/root:/bin/bash\nbroken line\nalice:x:1000:100:Alice:/home/alice:/bin/sh\n";
        let (entries, bad) = parse_passwd(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(bad, vec!["broken line".to_owned()]);
        assert_eq!(
            format_passwd(&entries),
            "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:100:Alice:/home/alice:/bin/sh\n"
        );
        let (groups, _) = parse_group("wheel:x:1:alice,bob\nusers:x:100:\n");
        assert_eq!(groups[0].members, vec!["alice", "bob"]);
        assert_eq!(format_group(&groups), "wheel:x:1:alice,bob\nusers:x:100:\n");
        let shadow = parse_shadow("alice:$6$x$y:19000:0:99999:7:::\n");
        assert_eq!(shadow[0].hash, "$6$x$y");
        assert_eq!(format_shadow(&shadow), "alice:$6$x$y:19000:0:99999:7:::\n");
    }
}
