//! Users and groups: `/etc/passwd`, `/etc/group` and `/etc/shadow` made to agree with
//! the generation's `users-groups.json` (written by `modules/config/users-groups.nix`).
//!
//! Ids are stable: a declared id is used; otherwise the id the name had before (in the
//! files, or in `/var/lib/sysrebuild/uid-map.json`, which remembers removed names too)
//! is kept; otherwise a free one is allocated: normal users from 1000 up, system users
//! and groups from 999 down to 400. With `mutableUsers`, accounts made by hand stay and
//! passwords changed with `passwd` are kept unless the configuration sets one; without
//! it, the files hold exactly what is declared. Names declared before but not any more
//! are removed either way.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::passwd::{
    GroupEntry, PasswdEntry, ShadowEntry, format_group, format_passwd, format_shadow, parse_group,
    parse_passwd, parse_shadow,
};
use super::{Activation, ActivationError, ActivationResult, io_error, write_atomically};

/// A declared user, as `users-groups.json` describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSpec {
    /// Login name.
    pub name: String,
    /// Fixed user id.
    pub uid: Option<u32>,
    /// A person (ids from 1000).
    #[serde(default)]
    pub is_normal_user: bool,
    /// A service account (ids below 1000).
    #[serde(default)]
    pub is_system_user: bool,
    /// GECOS.
    #[serde(default)]
    pub description: String,
    /// Home directory.
    pub home: String,
    /// Whether activation creates the home directory.
    #[serde(default)]
    pub create_home: bool,
    /// Primary group name.
    pub group: String,
    /// Login shell path.
    pub shell: String,
    /// Supplementary groups.
    #[serde(default)]
    pub extra_groups: Vec<String>,
    /// crypt(3) hash.
    pub hashed_password: Option<String>,
    /// File holding the crypt(3) hash.
    pub hashed_password_file: Option<String>,
    /// Clear-text password set when the account is created.
    pub initial_password: Option<String>,
}

/// A declared group.
#[derive(Debug, Clone, Deserialize)]
pub struct GroupSpec {
    /// Group name.
    pub name: String,
    /// Fixed group id.
    pub gid: Option<u32>,
    /// Members (the users naming it in `extraGroups` included).
    #[serde(default)]
    pub members: Vec<String>,
}

/// The generation's users and groups.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersSpec {
    /// Whether accounts may also be changed at run time.
    pub mutable_users: bool,
    /// Declared users.
    pub users: Vec<UserSpec>,
    /// Declared groups.
    pub groups: Vec<GroupSpec>,
}

/// What activation remembers between generations.
#[derive(Debug, Default, Serialize, Deserialize)]
struct IdMap {
    /// Every user name ever activated, with its id.
    users: BTreeMap<String, u32>,
    /// Every group name ever activated, with its id.
    groups: BTreeMap<String, u32>,
    /// The names the last generation declared (removed when no longer declared).
    declared_users: BTreeSet<String>,
    /// The group names the last generation declared.
    declared_groups: BTreeSet<String>,
}

const ID_MAP: &str = "var/lib/sysrebuild/uid-map.json";

/// Makes the account files agree with the generation's `users-groups.json`.
pub fn activate(a: &Activation, report: &mut dyn FnMut(&str)) -> ActivationResult<()> {
    let spec_path = a.system_file("users-groups.json");
    let text = fs::read_to_string(&spec_path).map_err(io_error("reading", &spec_path))?;
    let spec: UsersSpec = serde_json::from_str(&text).map_err(|e| ActivationError::BadSpec {
        path: spec_path.clone(),
        message: e.to_string(),
    })?;
    let files = AccountFiles::read(a)?;
    let map_path = a.host_path(ID_MAP);
    let old_map: IdMap = match fs::read_to_string(&map_path) {
        Ok(t) => serde_json::from_str(&t).unwrap_or_default(),
        Err(_) => IdMap::default(),
    };
    let plan = plan(&spec, &files, &old_map, a)?;

    let new_passwd = format_passwd(&plan.passwd);
    let new_group = format_group(&plan.group);
    let new_shadow = format_shadow(&plan.shadow);
    let changed = new_passwd != files.passwd_text
        || new_group != files.group_text
        || new_shadow != files.shadow_text;
    for user in &plan.created {
        report(&format!("creating user '{user}'"));
    }
    for user in &plan.removed {
        report(&format!("removing user '{user}' (no longer declared)"));
    }
    if a.dry_run {
        if changed && plan.created.is_empty() && plan.removed.is_empty() {
            report("updating /etc/passwd, /etc/group and /etc/shadow");
        }
        return Ok(());
    }
    if changed {
        let etc = a.host_path("etc");
        write_atomically(&etc.join("group"), new_group.as_bytes(), 0o644)?;
        write_atomically(&etc.join("passwd"), new_passwd.as_bytes(), 0o644)?;
        write_atomically(&etc.join("shadow"), new_shadow.as_bytes(), 0o640)?;
        let shadow_gid = plan
            .group
            .iter()
            .find(|g| g.name == "shadow")
            .map_or(0, |g| g.gid);
        chown(&etc.join("shadow"), 0, shadow_gid)?;
    }
    let map = serde_json::to_string_pretty(&plan.map)
        .map_err(|e| ActivationError::Failed(e.to_string()))?;
    write_atomically(&map_path, map.as_bytes(), 0o644)?;
    for (home, uid, gid) in &plan.homes {
        let path = a.host_path(home);
        if fs::symlink_metadata(&path).is_err() {
            report(&format!("creating home directory {home}"));
            fs::create_dir_all(&path).map_err(io_error("creating", &path))?;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o700))
                .map_err(io_error("changing the mode of", &path))?;
            chown(&path, *uid, *gid)?;
        }
    }
    Ok(())
}

fn chown(path: &Path, uid: u32, gid: u32) -> ActivationResult<()> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
        .map_err(io_error("changing the owner of", path))
}

/// The account files as they are.
struct AccountFiles {
    passwd: Vec<PasswdEntry>,
    group: Vec<GroupEntry>,
    shadow: Vec<ShadowEntry>,
    passwd_text: String,
    group_text: String,
    shadow_text: String,
}

impl AccountFiles {
    fn read(a: &Activation) -> ActivationResult<Self> {
        let read = |name: &str| -> ActivationResult<String> {
            let path = a.host_path(name);
            match fs::read_to_string(&path) {
                Ok(t) => Ok(t),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
                Err(e) => Err(io_error("reading", &path)(e)),
            }
        };
        let passwd_text = read("etc/passwd")?;
        let group_text = read("etc/group")?;
        let shadow_text = read("etc/shadow")?;
        Ok(AccountFiles {
            passwd: parse_passwd(&passwd_text).0,
            group: parse_group(&group_text).0,
            shadow: parse_shadow(&shadow_text),
            passwd_text,
            group_text,
            shadow_text,
        })
    }
}

/// The new contents of the account files.
struct Plan {
    passwd: Vec<PasswdEntry>,
    group: Vec<GroupEntry>,
    shadow: Vec<ShadowEntry>,
    map: IdMap,
    created: Vec<String>,
    removed: Vec<String>,
    /// Home directories to create: path, owner, group.
    homes: Vec<(String, u32, u32)>,
}

/// Hands out free ids.
struct Allocator {
    used: BTreeSet<u32>,
}

impl Allocator {
    fn take(&mut self, id: u32) {
        self.used.insert(id);
    }

    fn system(&mut self, what: &str) -> ActivationResult<u32> {
        let id = (400..1000)
            .rev()
            .find(|i| !self.used.contains(i))
            .ok_or_else(|| {
                ActivationError::Failed(format!("no free system id (400-999) left for {what}"))
            })?;
        self.used.insert(id);
        Ok(id)
    }

    fn normal(&mut self, what: &str) -> ActivationResult<u32> {
        let id = (1000..60000)
            .find(|i| !self.used.contains(i))
            .ok_or_else(|| {
                ActivationError::Failed(format!("no free id (1000-59999) left for {what}"))
            })?;
        self.used.insert(id);
        Ok(id)
    }
}

fn plan(
    spec: &UsersSpec,
    files: &AccountFiles,
    old: &IdMap,
    a: &Activation,
) -> ActivationResult<Plan> {
    let declared_users: BTreeSet<String> = spec.users.iter().map(|u| u.name.clone()).collect();
    let declared_groups: BTreeSet<String> = spec.groups.iter().map(|g| g.name.clone()).collect();
    // Kept besides the declared ones: with mutableUsers, those made by hand (never
    // declared by an earlier generation).
    let keep_user = |name: &str| spec.mutable_users && !old.declared_users.contains(name);
    let keep_group = |name: &str| spec.mutable_users && !old.declared_groups.contains(name);

    let mut map = IdMap {
        users: old.users.clone(),
        groups: old.groups.clone(),
        declared_users: declared_users.clone(),
        declared_groups: declared_groups.clone(),
    };

    // Groups.
    let mut gids = Allocator {
        used: BTreeSet::new(),
    };
    for g in &spec.groups {
        if let Some(gid) = g.gid {
            gids.take(gid);
        }
    }
    for g in files
        .group
        .iter()
        .filter(|g| !declared_groups.contains(&g.name) && keep_group(&g.name))
    {
        gids.take(g.gid);
    }
    let mut group = Vec::new();
    for g in files
        .group
        .iter()
        .filter(|g| !declared_groups.contains(&g.name) && keep_group(&g.name))
    {
        group.push(g.clone());
    }
    let mut group_ids = BTreeMap::new();
    for g in &spec.groups {
        let existing = files.group.iter().find(|e| e.name == g.name).map(|e| e.gid);
        let remembered = old.groups.get(&g.name).copied();
        let gid = match g
            .gid
            .or(existing.filter(|i| !gids.used.contains(i)))
            .or(remembered.filter(|i| !gids.used.contains(i)))
        {
            Some(gid) => {
                gids.take(gid);
                gid
            }
            None => gids.system(&format!("group '{}'", g.name))?,
        };
        group_ids.insert(g.name.clone(), gid);
        map.groups.insert(g.name.clone(), gid);
        let mut members: Vec<String> = g.members.clone();
        if spec.mutable_users
            && let Some(e) = files.group.iter().find(|e| e.name == g.name)
        {
            for m in &e.members {
                if !members.contains(m) && !old.declared_users.contains(m) {
                    members.push(m.clone());
                }
            }
        }
        group.push(GroupEntry {
            name: g.name.clone(),
            gid,
            members,
        });
    }
    group.sort_by_key(|g| g.gid);

    // Users.
    let mut uids = Allocator {
        used: BTreeSet::new(),
    };
    for u in &spec.users {
        if let Some(uid) = u.uid {
            uids.take(uid);
        }
    }
    let kept_users: Vec<&PasswdEntry> = files
        .passwd
        .iter()
        .filter(|p| !declared_users.contains(&p.name) && keep_user(&p.name))
        .collect();
    for p in &kept_users {
        uids.take(p.uid);
    }
    let mut passwd: Vec<PasswdEntry> = kept_users.iter().map(|p| (*p).clone()).collect();
    let mut shadow: Vec<ShadowEntry> = files
        .shadow
        .iter()
        .filter(|s| kept_users.iter().any(|p| p.name == s.name))
        .cloned()
        .collect();
    let mut created = Vec::new();
    let mut homes = Vec::new();
    for u in &spec.users {
        let existing = files.passwd.iter().find(|e| e.name == u.name);
        let remembered = old.users.get(&u.name).copied();
        let uid = match u
            .uid
            .or(existing.map(|e| e.uid).filter(|i| !uids.used.contains(i)))
            .or(remembered.filter(|i| !uids.used.contains(i)))
        {
            Some(uid) => {
                uids.take(uid);
                uid
            }
            None if u.is_normal_user => uids.normal(&format!("user '{}'", u.name))?,
            None => uids.system(&format!("user '{}'", u.name))?,
        };
        map.users.insert(u.name.clone(), uid);
        let gid = *group_ids.get(&u.group).ok_or_else(|| {
            ActivationError::Failed(format!(
                "user '{}' has the primary group '{}', which is not declared",
                u.name, u.group
            ))
        })?;
        if existing.is_none() {
            created.push(u.name.clone());
        }
        passwd.push(PasswdEntry {
            name: u.name.clone(),
            uid,
            gid,
            gecos: u.description.clone(),
            home: u.home.clone(),
            shell: u.shell.clone(),
        });
        let old_shadow = files.shadow.iter().find(|s| s.name == u.name);
        let hash = password_hash(u, old_shadow, existing.is_some(), spec.mutable_users, a)?;
        shadow.push(ShadowEntry {
            name: u.name.clone(),
            hash,
            rest: old_shadow.map_or_else(|| "1::::::".to_owned(), |s| s.rest.clone()),
        });
        if u.create_home {
            homes.push((u.home.clone(), uid, gid));
        }
    }
    passwd.sort_by_key(|p| p.uid);
    let removed = files
        .passwd
        .iter()
        .filter(|p| !declared_users.contains(&p.name) && !keep_user(&p.name))
        .map(|p| p.name.clone())
        .collect();
    Ok(Plan {
        passwd,
        group,
        shadow,
        map,
        created,
        removed,
        homes,
    })
}

/// The account's password hash: the configuration's if it sets one; else, with mutable
/// users, the one set at run time; else the initial password (hashed) for a new account
/// (or for immutable users); else locked (`!`).
fn password_hash(
    u: &UserSpec,
    old: Option<&ShadowEntry>,
    exists: bool,
    mutable: bool,
    a: &Activation,
) -> ActivationResult<String> {
    if let Some(h) = &u.hashed_password {
        return Ok(h.clone());
    }
    if let Some(file) = &u.hashed_password_file {
        let path = a.host_path(file);
        return match fs::read_to_string(&path) {
            Ok(t) => Ok(t.trim().to_owned()),
            Err(e) => Err(io_error("reading the hashed password file", &path)(e)),
        };
    }
    if mutable
        && exists
        && let Some(old) = old
    {
        return Ok(old.hash.clone());
    }
    if let Some(p) = &u.initial_password {
        if !mutable
            && let Some(old) = old
            && verify(p, &old.hash)
        {
            return Ok(old.hash.clone());
        }
        return hash_password(p);
    }
    Ok("!".to_owned())
}

/// SHA-512 crypt (`$6$…`) of `password`, with a random salt of 16 characters.
///
/// The salt is exactly as long as crypt(3) reads (12 random bytes, 16 characters in crypt's
/// base64): with a longer one, libxcrypt hashes only its first 16 characters and writes
/// those back, so its result would never compare equal to the stored string and the
/// password would be refused.
pub fn hash_password(password: &str) -> ActivationResult<String> {
    use sha_crypt::{PasswordHasher, ShaCrypt};
    let mut salt = [0u8; 12];
    getrandom::fill(&mut salt)
        .map_err(|e| ActivationError::Failed(format!("getting a random salt: {e}")))?;
    ShaCrypt::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ActivationError::Failed(format!("hashing a password: {e}")))
}

fn verify(password: &str, hash: &str) -> bool {
    use sha_crypt::{PasswordVerifier, ShaCrypt};
    match sha_crypt::PasswordHash::new(hash) {
        Ok(h) => ShaCrypt::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{hash_password, verify};

    /// crypt(3) reads at most 16 salt characters and writes back what it read: a stored
    /// hash with a longer salt never compares equal to its result (the login is refused).
    #[test]
    fn password_hashes_have_the_salt_crypt_reads() {
        let hash = hash_password("carol-secret").unwrap();
        let fields: Vec<&str> = hash.split('$').collect();
        assert_eq!(fields[1], "6", "{hash}");
        let salt = fields[fields.len() - 2];
        assert_eq!(salt.len(), 16, "{hash}");
        assert!(verify("carol-secret", &hash));
        assert!(!verify("wrong", &hash));
    }

    /// A hash made by libxcrypt (`openssl passwd -6 -salt vmtestsalt bob-secret`).
    #[test]
    fn hashes_made_by_crypt_verify() {
        let hash = "$6$vmtestsalt$QcvHCEu/oOK5jDW1kiyEusNATJbT8eSY./Jr7k/FvBHgWL/kSHfl2g9Bzogvmx0QwgqTerN5YhnsKb88vYLHl/";
        assert!(verify("bob-secret", hash));
        assert!(!verify("bob-secreT", hash));
    }
}
