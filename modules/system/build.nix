# `system.build`: the named results of building a system (`toplevel`, `etc`, `units`,
# `usersGroups`, `vm`, …); any module adds its own.
{ lib, ... }:
{
  options.system.build = lib.mkOption {
    type = lib.types.lazyAttrsOf lib.types.unspecified;
    default = { };
    internal = true;
    description = "Derivations and values built from the configuration.";
  };
}
