//! `sysrebuild activate` on a generation laid out as `system.build.toplevel` lays it out,
//! activated into a temporary root: /etc links and copies, users and groups with stable
//! ids, the merged-usr links, /run/current-system, and what a second generation changes.

use std::fs;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::Path;
use std::process::Command;

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A generation at `dir` with an etc tree (a linked and a copied entry) and users.
fn make_system(dir: &Path, users_json: &str, etc: &[(&str, &str, Option<&str>)]) {
    let store = dir.join("sources");
    for (target, text, mode) in etc {
        let src = store.join(target.replace('/', "_"));
        write(&src, text);
        let link = dir.join("etc").join(target);
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        symlink(&src, &link).unwrap();
        if let Some(mode) = mode {
            write(&dir.join("etc").join(format!("{target}.mode")), mode);
            write(&dir.join("etc").join(format!("{target}.uid")), "+0");
            write(&dir.join("etc").join(format!("{target}.gid")), "+0");
        }
    }
    write(&dir.join("users-groups.json"), users_json);
    write(&dir.join("wrappers.json"), "[]");
}

fn activate(system: &Path, root: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .args(["activate", "--system"])
        .arg(system)
        .arg("--root")
        .arg(root)
        .output()
        .expect("sysrebuild runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const USERS: &str = r#"{ "mutableUsers": false,
  "users": [
    { "name": "root", "uid": 0, "group": "root", "home": "/root", "shell": "/bin/sh", "createHome": true },
    { "name": "alice", "uid": null, "isNormalUser": true, "group": "users", "home": "/home/alice", "createHome": true, "shell": "/bin/sh", "initialPassword": "secret" },
    { "name": "web", "uid": null, "isSystemUser": true, "group": "web", "home": "/var/empty", "shell": "/usr/sbin/nologin" } ],
  "groups": [
    { "name": "root", "gid": 0 }, { "name": "users", "gid": 100 },
    { "name": "wheel", "gid": 1, "members": [ "alice" ] }, { "name": "web", "gid": null } ] }"#;

#[test]
fn activates_etc_users_and_links() {
    let dir = tempfile::tempdir().unwrap();
    let (gen1, root) = (dir.path().join("gen1"), dir.path().join("root"));
    make_system(
        &gen1,
        USERS,
        &[
            ("hostname", "box\n", None),
            ("ssh/banner", "hi\n", Some("0640")),
        ],
    );
    // A file the administrator made is kept aside, not lost.
    write(&root.join("etc/hostname"), "old\n");

    let (ok, out, err) = activate(&gen1, &root);
    assert!(ok, "{out}\n{err}");
    assert_eq!(
        fs::read_link(root.join("etc/static")).unwrap(),
        gen1.join("etc")
    );
    assert_eq!(
        fs::read_link(root.join("etc/hostname")).unwrap(),
        Path::new("/etc/static/hostname")
    );
    assert_eq!(
        fs::read_to_string(root.join("etc/hostname.before-sysrebuild")).unwrap(),
        "old\n"
    );
    let banner = root.join("etc/ssh/banner");
    assert!(
        !fs::symlink_metadata(&banner)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&banner).unwrap(), "hi\n");
    assert_eq!(fs::metadata(&banner).unwrap().mode() & 0o7777, 0o640);

    let passwd = fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert!(
        passwd.contains("alice:x:1000:100::/home/alice:/bin/sh\n"),
        "{passwd}"
    );
    assert!(
        passwd.contains("web:x:999:999::/var/empty:/usr/sbin/nologin\n"),
        "{passwd}"
    );
    let group = fs::read_to_string(root.join("etc/group")).unwrap();
    assert!(group.contains("wheel:x:1:alice\n"), "{group}");
    let shadow = fs::read_to_string(root.join("etc/shadow")).unwrap();
    assert!(shadow.contains("alice:$6$"), "{shadow}");
    assert!(root.join("home/alice").is_dir());
    assert_eq!(
        fs::read_link(root.join("usr")).unwrap(),
        gen1.join("sw/usr")
    );
    assert_eq!(
        fs::read_link(root.join("run/current-system")).unwrap(),
        gen1
    );

    // The next generation drops alice, the banner and the host name: their links and
    // copies go, ids stay, and re-adding alice later gives her old uid back.
    let gen2 = dir.path().join("gen2");
    let users2 = USERS.replace(
        r#"{ "name": "alice", "uid": null, "isNormalUser": true, "group": "users", "home": "/home/alice", "createHome": true, "shell": "/bin/sh", "initialPassword": "secret" },"#,
        "",
    ).replace(r#""members": [ "alice" ]"#, r#""members": [ ]"#);
    make_system(&gen2, &users2, &[("issue", "welcome\n", None)]);
    let (ok, out, err) = activate(&gen2, &root);
    assert!(ok, "{out}\n{err}");
    assert!(fs::symlink_metadata(root.join("etc/hostname")).is_err());
    assert!(fs::symlink_metadata(root.join("etc/ssh/banner")).is_err());
    assert_eq!(
        fs::read_link(root.join("etc/issue")).unwrap(),
        Path::new("/etc/static/issue")
    );
    let passwd = fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert!(!passwd.contains("alice"), "{passwd}");
    assert!(passwd.contains("web:x:999:999:"), "{passwd}");
    assert!(out.contains("removing user 'alice'"), "{out}");

    let (ok, out, err) = activate(&gen1, &root);
    assert!(ok, "{out}\n{err}");
    let passwd = fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert!(passwd.contains("alice:x:1000:100:"), "{passwd}");
}

#[test]
fn refuses_a_root_that_is_not_a_sysrebuild_system_and_bad_specs() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = activate(&dir.path().join("nothing"), dir.path());
    assert!(!ok);
    assert!(err.contains("is not a sysrebuild system"), "{err}");

    let generation = dir.path().join("gen");
    make_system(&generation, "{ not json", &[("hostname", "x\n", None)]);
    let root = dir.path().join("root");
    fs::create_dir_all(root.join("usr")).unwrap();
    let (ok, _, err) = activate(&generation, &root);
    assert!(!ok);
    assert!(err.contains("error: activating users and groups:"), "{err}");
    assert!(err.contains("users-groups.json"), "{err}");
    assert!(err.contains("refusing to replace"), "{err}");
    // The other steps still ran.
    assert_eq!(
        fs::read_link(root.join("etc/hostname")).unwrap(),
        Path::new("/etc/static/hostname")
    );
}
