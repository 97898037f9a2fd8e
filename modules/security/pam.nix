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
