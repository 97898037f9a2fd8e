{ lib, ... }:
{
  options.networking.hostName = lib.mkOption {
    type = lib.types.str;
    default = "nixos";
    example = "server";
    description = "The host name.";
  };
  options.networking.enableIPv6 = lib.mkEnableOption "IPv6";
  options.users.users = lib.mkOption {
    type = lib.types.attrsOf (lib.types.submodule {
      options.home = lib.mkOption {
        type = lib.types.path;
        description = "The user's *home* directory, see `passwd(5)`.";
      };
    });
    default = { };
    description = "The users.";
  };
  options.secret = lib.mkOption {
    type = lib.types.str;
    default = "";
    visible = false;
  };
  config.networking.hostName = lib.mkDefault "default-box";
}
