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
    // The service's rule, beside those every system has (modules/system/base.nix).
    let tmpfiles = etc["tmpfiles.d/00-sysrebuild.conf"].as_str().expect("text");
    assert!(
        tmpfiles.starts_with("# Created by sysrebuild from systemd.tmpfiles.rules.\n"),
        "{tmpfiles}"
    );
    assert!(
        tmpfiles.contains("\nd /var/lib/hello 0755 root root -\n"),
        "{tmpfiles}"
    );
    assert!(
        tmpfiles.contains("\nd /var/tmp 1777 root root -\n"),
        "{tmpfiles}"
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
        "# Created by sysrebuild from environment.variables and environment.shellAliases.\nexport EDITOR=vi\nexport PATH=/run/wrappers/bin:/usr/local/bin:/usr/bin:/usr/local/sbin:/usr/sbin\nalias ll='ls -l'\n"
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

#[test]
fn a_server_configuration_generates_its_services() {
    let v = eval_config(
        "server.nix",
        "let e = c.config.environment.etc; in { sshd = e.\"ssh/sshd_config\".text; keys = e.\"ssh/authorized_keys.d/alice\".text; net = e.\"systemd/network/40-eth0.network\".text; fw = c.config.networking.firewall.ruleset; sudoers = e.sudoers.mode; sysctl = e.\"sysctl.d/60-sysrebuild.conf\".text; modules = e.\"modules-load.d/sysrebuild.conf\".text; units = builtins.attrNames c.config.systemd.units; nginx = c.config.services.nginx.configFile.text; failed = builtins.filter (a: !a.assertion) c.config.assertions; wrappers = map (w: { inherit (w) program setuid permissions; }) (builtins.attrValues c.config.security.wrappers); }",
    )
    .expect("evaluates");
    let sshd = v["sshd"].as_str().expect("sshd_config");
    for line in [
        "Port 2222\n",
        "PasswordAuthentication no\n",
        "PermitRootLogin prohibit-password\n",
        "KexAlgorithms curve25519-sha256,sntrup761x25519-sha512@openssh.com\n",
        "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys.d/%u\n",
    ] {
        assert!(sshd.contains(line), "{line:?} missing from:\n{sshd}");
    }
    assert_eq!(v["keys"], "ssh-ed25519 AAAA alice\n");
    assert_eq!(
        v["net"],
        "[Match]\nName=eth0\n\n[Network]\nDHCP=no\nAddress=192.168.1.2/24\nGateway=192.168.1.1\nDNS=9.9.9.9\n"
    );
    // The SSH port is opened by the openssh module, 80 by the configuration.
    let fw = v["fw"].as_str().expect("ruleset");
    assert!(fw.contains("tcp dport { 2222, 80 } accept"), "{fw}");
    assert!(fw.contains("policy drop;"), "{fw}");
    assert_eq!(v["sudoers"], "0440");
    assert_eq!(v["sysctl"], "net.ipv4.ip_forward=1\n");
    assert_eq!(v["modules"], "kvm-intel\n");
    assert_eq!(
        v["wrappers"],
        serde_json::json!([{ "program": "sudo", "setuid": true, "permissions": "4511" }])
    );
    let units = v["units"].as_array().expect("units");
    for unit in [
        "firewall.service",
        "nginx.service",
        "sshd.service",
        "systemd-networkd.service",
    ] {
        assert!(units.iter().any(|u| u == unit), "{unit} missing: {units:?}");
    }
    let nginx = v["nginx"].as_str().expect("nginx.conf");
    assert!(nginx.contains("server_name example.org;\nroot /var/www;\nlocation /api/ {\nproxy_pass http://127.0.0.1:3000;\n}"), "{nginx}");
    assert_eq!(v["failed"], serde_json::json!([]));
}

#[test]
fn conflicting_boot_loaders_fail_an_assertion() {
    let err = eval_config(
        "service.nix",
        "let e = c.extendModules { modules = [ { boot.loader.grub.enable = true; boot.loader.systemd-boot.enable = true; } ]; }; in map (a: a.message) (builtins.filter (a: !a.assertion) e.config.assertions)",
    )
    .expect("evaluates");
    let all = err.to_string();
    assert!(
        all.contains("enable either systemd-boot or GRUB, not both"),
        "{all}"
    );
    assert!(all.contains("set boot.loader.grub.device"), "{all}");
}

#[test]
fn the_toplevel_is_a_derivation_and_checks_assertions() {
    let drv =
        eval_config("server.nix", "c.config.system.build.toplevel.drvPath").expect("evaluates");
    let drv = drv.as_str().expect("a path");
    assert!(drv.ends_with("-sysrebuild-system-web-0.1.0.drv"), "{drv}");
    // service.nix has no root file system.
    let err = eval_config("service.nix", "c.config.system.build.toplevel.drvPath")
        .expect_err("a failed assertion");
    assert!(
        err.contains("Failed assertions:\n- fileSystems.\"/\" is not set"),
        "{err}"
    );
}

/// `dry-build -f` refuses a configuration whose assertions fail, listing every message,
/// and prints its warnings first.
#[test]
fn dry_build_lists_every_failed_assertion_and_warning() {
    let store = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .arg("dry-build")
        .arg("--store")
        .arg(store.path())
        .arg("-f")
        .arg(root().join("tests/system/checks.nix"))
        .output()
        .expect("sysrebuild runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("warning: this is only a warning\n"), "{err}");
    assert!(
        err.contains("the configuration has failed assertions:\n- first problem\n- second problem"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// `dry-build` without a configuration file names the file it looked for.
#[test]
fn dry_build_without_configuration_names_the_missing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .args(["dry-build", "--store", "store"])
        .current_dir(dir.path())
        .output()
        .expect("sysrebuild runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("configuration.nix' does not exist"), "{err}");
}
