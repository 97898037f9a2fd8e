# `systemd.tmpfiles.rules`: tmpfiles.d(5) lines, in /etc/tmpfiles.d/00-sysrebuild.conf.
{ config, lib, ... }:
{
  options.systemd.tmpfiles.rules = lib.mkOption {
    type = lib.types.listOf lib.types.str;
    default = [ ];
    example = [ "d /var/lib/foo 0755 root root - -" ];
    description = ''
      Rules for systemd-tmpfiles (tmpfiles.d(5)): directories, files and links created,
      cleaned or removed at boot and on switch.
    '';
  };

  config.environment.etc."tmpfiles.d/00-sysrebuild.conf" =
    lib.mkIf (config.systemd.tmpfiles.rules != [ ]) {
      text = "# Created by sysrebuild from systemd.tmpfiles.rules.\n"
        + lib.concatLines config.systemd.tmpfiles.rules;
    };
}
