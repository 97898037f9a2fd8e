//! The module library (`modules/`): configurations evaluated through
//! `modules/eval-config.nix`, checking the files they generate (unit files, /etc
//! entries, users) and the errors users see. Packages come from an evaluation-only set
//! (`tests/system/eval-pkgs.nix`): nothing is built here.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Evaluates `EXPR` with `c` bound to the evaluated configuration `tests/system/CONF`.
fn eval_config(conf: &str, expr: &str) -> Result<serde_json::Value, String> {
    let root = root();
    let full = format!(
        "let c = import {}/modules/eval-config.nix {{ modules = [ {}/tests/system/{conf} ]; pkgs = import {}/tests/system/eval-pkgs.nix; }}; in {expr}",
        root.display(),
        root.display(),
        root.display()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .args(["eval", "--strict", "--json", "-E", &full])
        .output()
        .expect("sysrebuild runs");
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).expect("JSON"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn failed_assertions(conf: &str) -> Vec<String> {
    let v = eval_config(
        conf,
        "map (a: a.message) (builtins.filter (a: !a.assertion) c.config.assertions)",
    )
    .expect("evaluates");
    v.as_array()
        .expect("a list")
        .iter()
        .map(|m| m.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn services_become_unit_files() {
    let units = eval_config(
        "service.nix",
        "builtins.mapAttrs (n: u: u.text) c.config.systemd.units",
    )
    .expect("evaluates");
    let service = units["hello.service"].as_str().expect("hello.service");
    assert!(
        service.starts_with("[Unit]\nAfter=network.target\nDescription=Say hello\n\n[Service]\n"),
        "{service}"
    );
    assert!(
        service.contains("Environment=\"GREETING=hi \\\"there\\\"\"\n"),
        "{service}"
    );
    assert!(service.contains("-hello/usr/bin:"), "{service}");
    assert!(service.contains(":/usr/bin:/usr/sbin\"\n"), "{service}");
    assert!(service.contains("ExecStart=/nix/store/"), "{service}");
    assert!(service.contains("-hello-start\n"), "{service}");
    assert!(
        service.contains("RemainAfterExit=true\nType=oneshot\n"),
        "{service}"
    );
    // startAt makes a timer of the same name, wanted by timers.target.
    assert_eq!(units["hello.timer"], "[Timer]\nOnCalendar=daily\n");
    let wanted = eval_config(
        "service.nix",
        "c.config.systemd.units.\"hello.timer\".wantedBy",
    )
    .expect("evaluates");
    assert_eq!(wanted, serde_json::json!(["timers.target"]));
}

#[test]
fn etc_collects_generated_files() {
    let etc = eval_config(
        "service.nix",
        "builtins.mapAttrs (n: e: e.text or null) (builtins.removeAttrs c.config.environment.etc [ \"systemd/system\" \"localtime\" ])",
    )
    .expect("evaluates");
    assert_eq!(etc["hostname"], "box\n");
    assert_eq!(
        etc["hosts"],
        "127.0.0.1 localhost\n127.0.0.2 box\n::1 localhost\n"
    );
    assert_eq!(etc["timezone"], "Europe/Paris\n");
    assert_eq!(etc["locale.conf"], "LANG=C.UTF-8\n");
    assert_eq!(
        etc["tmpfiles.d/00-sysrebuild.conf"],
        "# Created by sysrebuild from systemd.tmpfiles.rules.\nd /var/lib/hello 0755 root root -\n"
    );
    let localtime =
        eval_config("service.nix", "c.config.environment.etc.localtime.source").expect("evaluates");
    assert!(
        localtime
            .as_str()
            .is_some_and(|s| s.ends_with("-tzdata/usr/share/zoneinfo/Europe/Paris")),
        "{localtime}"
    );
}

#[test]
fn fstab_profile_and_copied_etc_files() {
    let v = eval_config(
        "filesystems.nix",
        "{ fstab = c.config.environment.etc.fstab.text; profile = c.config.environment.etc.\"profile.d/sysrebuild.sh\".text; banner = { inherit (c.config.environment.etc.\"ssh/banner\") mode user group; }; locale = c.config.environment.etc.\"locale.conf\".text; }",
    )
    .expect("evaluates");
    assert_eq!(
        v["fstab"],
        "# Created by sysrebuild from fileSystems and swapDevices.\n\
         /dev/disk/by-label/root / ext4 defaults 0 1\n\
         /dev/vda1 /boot vfat umask=0077 0 2\n\
         server:/data /srv/my\\040data nfs defaults 0 2\n\
         /swapfile none swap pri=5 0 0\n"
    );
    assert_eq!(
        v["profile"],
        "# Created by sysrebuild from environment.variables and environment.shellAliases.\nexport EDITOR=vi\nalias ll='ls -l'\n"
    );
    assert_eq!(
        v["banner"],
        serde_json::json!({ "mode": "0640", "user": "+0", "group": "+0" })
    );
    assert_eq!(v["locale"], "LANG=C.UTF-8\nLC_TIME=en_GB.UTF-8\n");
}

#[test]
fn users_and_groups_are_described_for_activation() {
    let v = eval_config(
        "users.nix",
        "let u = c.config.users.users; g = c.config.users.groups; in { alice = { inherit (u.alice) group home createHome; shell = toString u.alice.shell; }; web = { inherit (u.web) group home createHome; }; admins = g.admins.members; }",
    )
    .expect("evaluates");
    assert_eq!(
        v["alice"],
        serde_json::json!({ "group": "users", "home": "/home/alice", "createHome": true, "shell": "/usr/bin/bash" })
    );
    assert_eq!(
        v["web"],
        serde_json::json!({ "group": "web", "home": "/var/empty", "createHome": false })
    );
    assert_eq!(v["admins"], serde_json::json!(["alice"]));
    assert!(failed_assertions("users.nix").is_empty());
}

#[test]
fn wrong_users_fail_assertions_with_the_user_named() {
    let failed = failed_assertions("bad-users.nix");
    let all = failed.join("\n");
    assert!(
        all.contains("users.users.bob: exactly one of isNormalUser and isSystemUser must be set"),
        "{all}"
    );
    assert!(all.contains("users.users.bob.group is unset"), "{all}");
    assert!(
        all.contains("users.users.dave.group is 'nope', but no group of that name is declared"),
        "{all}"
    );
    assert!(
        all.contains("the uid 1000 is used by several users"),
        "{all}"
    );
}

#[test]
fn a_bad_host_name_is_a_type_error_naming_the_file() {
    let err = eval_config("service.nix", "(c.extendModules { modules = [ { networking.hostName = \"bad_name!\"; } ]; }).config.networking.hostName")
        .expect_err("an invalid host name");
    assert!(err.contains("networking.hostName"), "{err}");
    assert!(err.contains("is not of type"), "{err}");
}
