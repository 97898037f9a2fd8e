# The OpenSSH server. sshd_config is generated from `settings` (any sshd_config keyword;
# lists are written comma-separated, as sshd expects for algorithm lists); users'
# authorized keys come from `users.users.<name>.openssh.authorizedKeys.keys`.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.services.openssh;

  settingValue = v:
    if builtins.isBool v then (if v then "yes" else "no")
    else if builtins.isList v then lib.concatStringsSep "," v
    else toString v;

  settingsType = types.submodule {
    freeformType = types.attrsOf (types.nullOr (types.oneOf [
      types.bool types.int types.str (types.listOf types.str)
    ]));
    options = {
      PermitRootLogin = mkOption {
        type = types.enum [ "yes" "without-password" "prohibit-password" "forced-commands-only" "no" ];
        default = "prohibit-password";
        description = "Whether root may log in, and how.";
      };
      PasswordAuthentication = mkOption {
        type = types.bool;
        default = true;
        description = "Whether passwords are accepted.";
      };
      KbdInteractiveAuthentication = mkOption {
        type = types.bool;
        default = true;
        description = "Whether keyboard-interactive authentication is accepted.";
      };
      X11Forwarding = mkOption {
        type = types.bool;
        default = false;
        description = "Whether X11 connections are forwarded.";
      };
      UsePAM = mkOption {
        type = types.bool;
        default = true;
        description = "Whether PAM handles accounts and sessions.";
      };
    };
  };

  users = lib.filter (u: u.openssh.authorizedKeys.keys != [ ])
    (lib.attrValues config.users.users);

  sshdConfig = ''
    # Created by sysrebuild from services.openssh.
  '' + lib.concatMapStrings (p: "Port ${toString p}\n") cfg.ports
  + lib.concatMapStrings (h: "HostKey ${h.path}\n") cfg.hostKeys
  + ''
    AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys.d/%u
    Subsystem sftp ${cfg.package}/usr/lib/openssh/sftp-server
    PidFile /run/sshd.pid
  '' + lib.concatStrings (lib.mapAttrsToList (k: v: "${k} ${settingValue v}\n")
    (lib.filterAttrs (_: v: v != null) cfg.settings))
  + cfg.extraConfig;
in
{
  options.services.openssh = {
    enable = lib.mkEnableOption "the OpenSSH server (sshd)";
    package = lib.mkPackageOption pkgs "openssh-server" { };
    ports = mkOption {
      type = types.listOf types.port;
      default = [ 22 ];
      description = "The ports sshd listens on.";
    };
    openFirewall = mkOption {
      type = types.bool;
      default = true;
      description = "Whether the ports are opened in the firewall.";
    };
    hostKeys = mkOption {
      type = types.listOf (types.submodule {
        options.type = mkOption { type = types.str; description = "The key type (`ed25519`, `rsa`)."; };
        options.path = mkOption { type = types.str; description = "Where the key is kept."; };
      });
      default = [
        { type = "ed25519"; path = "/etc/ssh/ssh_host_ed25519_key"; }
        { type = "rsa"; path = "/etc/ssh/ssh_host_rsa_key"; }
      ];
      description = "Host keys, generated on first start when missing.";
    };
    settings = mkOption {
      type = settingsType;
      default = { };
      example = { PasswordAuthentication = false; KexAlgorithms = [ "curve25519-sha256" ]; };
      description = "sshd_config settings (any keyword of sshd_config(5)).";
    };
    extraConfig = mkOption {
      type = types.lines;
      default = "";
      description = "Lines appended to sshd_config (e.g. `Match` blocks).";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ cfg.package ];
    environment.etc = { "ssh/sshd_config".text = sshdConfig; } // lib.listToAttrs (map (u: lib.nameValuePair
      "ssh/authorized_keys.d/${u.name}" {
        mode = "0444";
        text = lib.concatLines u.openssh.authorizedKeys.keys;
      }) users);

    networking.firewall.allowedTCPPorts = lib.mkIf cfg.openFirewall cfg.ports;

    users.users.sshd = { isSystemUser = true; group = "sshd"; description = "SSH privilege separation user"; home = "/run/sshd"; };
    users.groups.sshd = { };

    systemd.services.sshd = {
      description = "OpenSSH server";
      wantedBy = [ "multi-user.target" ];
      after = [ "network.target" ];
      stopIfChanged = false;
      restartTriggers = [ sshdConfig ];
      path = [ cfg.package ];
      preStart = lib.concatMapStrings (k: ''
        if [ ! -f ${k.path} ]; then
          mkdir -p "$(dirname ${k.path})"
          ssh-keygen -q -t ${k.type} -N "" -f ${k.path}
        fi
      '') cfg.hostKeys;
      serviceConfig = {
        ExecStart = "${cfg.package}/usr/sbin/sshd -D -f /etc/ssh/sshd_config";
        ExecReload = "/usr/bin/kill -HUP $MAINPID";
        KillMode = "process";
        Restart = "always";
        RuntimeDirectory = "sshd";
        RuntimeDirectoryMode = "0755";
      };
    };
  };
}
