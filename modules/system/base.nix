# What every bootable system needs besides its own choices: the core packages of a Debian
# system (systemd, udev, D-Bus, util-linux, login, kmod …), the kernel's modules in
# /usr/lib/modules, the users and groups that Debian's base-passwd and the packages'
# maintainer scripts would create, /etc/os-release and /etc/nsswitch.conf.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.environment.requiredPackages = mkOption {
    type = types.listOf types.package;
    description = ''
      The packages every system has (in /usr), besides
      {option}`environment.systemPackages`. Replace the list only knowing that systemd,
      udev, D-Bus, util-linux, login and kmod are needed to boot.
    '';
  };

  config = {
    environment.requiredPackages = with pkgs; [
      base-files bash coreutils dash diffutils findutils grep gzip sed tar gawk less
      util-linux mount login passwd procps kmod iproute2 hostname ncurses-bin libc-bin
      systemd systemd-sysv udev dbus libpam-runtime libpam-modules libpam-systemd libnss-systemd
    ];
    environment.systemPackages = config.environment.requiredPackages
      ++ [ config.system.modulesTree ];

    # Debian's static ids (base-passwd) where they exist; the others are allocated.
    users.groups = {
      adm.gid = 4;
      lp.gid = 7;
      mail.gid = 8;
      kmem.gid = 15;
      dialout.gid = 20;
      cdrom.gid = 24;
      floppy.gid = 25;
      tape.gid = 26;
      audio.gid = 29;
      shadow.gid = 42;
      utmp.gid = 43;
      video.gid = 44;
      plugdev.gid = 46;
      staff.gid = 50;
      input = { };
      kvm = { };
      render = { };
      sgx = { };
      messagebus = { };
      systemd-network = { };
      systemd-timesync = { };
      systemd-resolve = { };
    };
    users.users = {
      messagebus = { isSystemUser = true; group = "messagebus"; description = "D-Bus system bus"; home = "/nonexistent"; };
      systemd-network = { isSystemUser = true; group = "systemd-network"; description = "systemd Network Management"; home = "/nonexistent"; };
      systemd-timesync = { isSystemUser = true; group = "systemd-timesync"; description = "systemd Time Synchronization"; home = "/nonexistent"; };
      systemd-resolve = { isSystemUser = true; group = "systemd-resolve"; description = "systemd Resolver"; home = "/nonexistent"; };
    };

    environment.etc."os-release".text = ''
      NAME="sysrebuild"
      ID=sysrebuild
      ID_LIKE=debian
      PRETTY_NAME="sysrebuild ${config.system.sysrebuild.version} (Debian packages)"
      VERSION_ID="${config.system.sysrebuild.version}"
    '';
    environment.etc."nsswitch.conf".text = ''
      passwd: files systemd
      group: files systemd
      shadow: files
      hosts: files dns
      networks: files
      protocols: files
      services: files
      ethers: files
      rpc: files
    '';
    # Programs and services read these from /etc in Debian.
    environment.etc."login.defs".source = "${pkgs.login}/etc/login.defs";
    environment.etc."shells".text = ''
      /bin/sh
      /usr/bin/sh
      /bin/bash
      /usr/bin/bash
      /bin/dash
      /usr/bin/dash
    '';
    environment.etc."dbus-1/system.d/.keep".text = "";
    systemd.tmpfiles.rules = [
      "d /var/lib/dbus 0755 root root -"
      "d /var/log 0755 root root -"
      "d /var/tmp 1777 root root -"
      "d /root 0700 root root -"
    ];
  };
}
