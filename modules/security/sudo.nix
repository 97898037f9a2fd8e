# sudo: /etc/sudoers and the setuid wrapper.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.security.sudo;
in
{
  options.security.sudo = {
    enable = lib.mkEnableOption "sudo, to run commands as another user";
    package = lib.mkPackageOption pkgs "sudo" { };
    wheelNeedsPassword = mkOption {
      type = types.bool;
      default = true;
      description = "Whether members of `wheel` must give their password.";
    };
    extraConfig = mkOption {
      type = types.lines;
      default = "";
      example = "alice ALL=(ALL) NOPASSWD: /usr/bin/systemctl restart nginx";
      description = "Lines appended to /etc/sudoers.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ cfg.package ];
    security.wrappers.sudo = {
      source = "${cfg.package}/usr/bin/sudo";
      setuid = true;
      permissions = "4511";
    };
    environment.etc.sudoers = {
      mode = "0440";
      text = ''
        # Created by sysrebuild from security.sudo.
        Defaults env_keep += "TERMINFO_DIRS TERMINFO"
        Defaults secure_path="/run/wrappers/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
        root ALL=(ALL:ALL) SETENV: ALL
        %wheel ALL=(ALL:ALL) ${lib.optionalString (!cfg.wheelNeedsPassword) "NOPASSWD: "}SETENV: ALL
      '' + cfg.extraConfig;
    };
    # Debian's sudo ships its PAM configuration (etc/pam.d/sudo), which
    # security/pam.nix takes from /usr with the other packages' files.
  };
}
