# A small configuration for the `sysrebuild options` tests.
{ lib, ... }:
{
  imports = [ ./options.nix ];
  networking.hostName = "box";
}
