# PAM: /etc/pam.d. Debian's `common-*` files are written by `pam-auth-update` in
# libpam-runtime's maintainer script, which never runs here: they are generated from the
# options below. The services' own files (`login`, `sshd`, `su`, `systemd-user`,
# `other` …) are the ones the packages in /usr ship in `etc/pam.d`.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.security.pam;
in
{
  options.security.pam = {
    common = mkOption {
      type = types.attrsOf types.lines;
      description = ''
        The `common-*` files of /etc/pam.d (auth, account, password, session,
        session-noninteractive), by name without `common-`.
      '';
    };
    loginLimits = mkOption {
      type = types.listOf (types.submodule {
        options = {
          domain = mkOption {
            type = types.str;
            example = "@wheel";
            description = "Whom the limit applies to: a user, `@group`, `*` or a uid/gid range.";
          };
          type = mkOption {
            type = types.enum [ "soft" "hard" "-" ];
            default = "-";
            description = "`soft`, `hard`, or `-` for both.";
          };
          item = mkOption {
            type = types.enum [
              "core" "data" "fsize" "memlock" "nofile" "rss" "stack" "cpu" "nproc" "as"
              "maxlogins" "maxsyslogins" "nonewprivs" "priority" "locks" "sigpending"
              "msgqueue" "nice" "rtprio" "chroot"
            ];
            description = "The resource limited (see limits.conf(5)).";
          };
          value = mkOption {
            type = types.either types.int (types.strMatching "[^[:space:]]+");
            example = "unlimited";
            description = "The limit: a number, `unlimited` or `infinity`.";
          };
        };
      });
      default = [ ];
      example = [ { domain = "@audio"; item = "memlock"; type = "-"; value = "unlimited"; } ];
      description = ''
        Resource limits set by `pam_limits` when a session opens; they make
        /etc/security/limits.conf.
      '';
    };
    services = mkOption {
      type = types.attrsOf types.lines;
      default = { };
      example = { myservice = "@include common-auth\n@include common-account\n"; };
      description = "Further /etc/pam.d files, by service name (they win over the packages').";
    };
  };

  config = {
    security.pam.common = {
      auth = ''
        auth [success=1 default=ignore] pam_unix.so nullok
        auth requisite pam_deny.so
        auth required pam_permit.so
      '';
      account = ''
        account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so
        account requisite pam_deny.so
        account required pam_permit.so
      '';
      password = ''
        password [success=1 default=ignore] pam_unix.so obscure yescrypt
        password requisite pam_deny.so
        password required pam_permit.so
      '';
      session = ''
        session [default=1] pam_permit.so
        session requisite pam_deny.so
        session required pam_permit.so
        session required pam_unix.so
        session optional pam_systemd.so
      '';
      session-noninteractive = ''
        session [default=1] pam_permit.so
        session requisite pam_deny.so
        session required pam_permit.so
        session required pam_unix.so
      '';
    };

    # /etc/security: the packages' files (pam_env.conf, access.conf …) with limits.conf
    # generated from `loginLimits`. pam_limits fails the session when limits.conf is
    # missing, so it is always written.
    environment.etc."security".source = pkgs.runCommand "etc-security" {
      preferLocalBuild = true;
      sw = config.system.path;
      limits = pkgs.writeText "limits.conf" (''
        # Created by sysrebuild from security.pam.loginLimits.
      '' + lib.concatMapStrings (l: "${l.domain} ${l.type} ${l.item} ${toString l.value}\n") cfg.loginLimits);
    } ''
      mkdir -p "$out"
      if [ -d "$sw/etc/security" ]; then
        cp -rL "$sw"/etc/security/. "$out/"
        chmod -R u+w "$out"
      fi
      rm -f "$out/limits.conf"
      cp "$limits" "$out/limits.conf"
    '';

    # One directory: the packages' files, then the generated ones on top.
    environment.etc."pam.d".source = pkgs.runCommand "pam.d" {
      preferLocalBuild = true;
      sw = config.system.path;
      generated = pkgs.linkFarm "pam.d-generated" (
        lib.mapAttrsToList (n: text: { name = "common-${n}"; path = pkgs.writeText "common-${n}" text; }) cfg.common
        ++ lib.mapAttrsToList (n: text: { name = n; path = pkgs.writeText "pam-${n}" text; }) cfg.services);
    } ''
      mkdir -p "$out"
      if [ -d "$sw/etc/pam.d" ]; then
        for f in "$sw"/etc/pam.d/*; do
          [ -e "$f" ] && cp "$f" "$out/"
        done
      fi
      for f in "$generated"/*; do
        cp "$f" "$out/"
      done
    '';
  };
}
