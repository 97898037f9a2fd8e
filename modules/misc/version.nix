# The configuration's version stamps.
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.system.stateVersion = mkOption {
    type = types.str;
    default = "1";
    example = "1";
    description = ''
      The sysrebuild release whose defaults for stateful data (database formats, user
      ids) this system was first installed with. Keep it unchanged after the first
      installation, even when upgrading.
    '';
  };

  options.system.name = mkOption {
    type = types.str;
    description = ''
      The system's name in store paths (`/nix/store/…-sysrebuild-system-NAME-…`):
      the host name by default.
    '';
  };

  options.system.configurationRevision = mkOption {
    type = types.nullOr types.str;
    default = null;
    description = "The revision of the configuration (a Git commit), recorded in the system.";
  };

  options.system.sysrebuild.version = mkOption {
    type = types.str;
    readOnly = true;
    default = "0.1.0";
    description = "The version of sysrebuild's module library.";
  };
}
