{ lib, ... }:
{
  options.networking.hostName = lib.mkOption {
    type = lib.types.str;
    default = "nixos";
    example = "server";
    description = "The host name.";
  };
  options.networking.enableIPv6 = lib.mkEnableOption "IPv6";
  config.networking.hostName = lib.mkDefault "default-box";
}
