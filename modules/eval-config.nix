# Evaluates a system configuration: sysrebuild's module library plus the user's modules.
#
#   import <sysrebuild/modules/eval-config.nix> { modules = [ ./configuration.nix ]; }
#
# returns what `lib.evalModules` returns (`config`, `options`, `extendModules`, …);
# `config.system.build.toplevel` is the system.
{ modules ? [ ]
, specialArgs ? { }
  # A package set to use instead of the one `nixpkgs.*` options describe.
, pkgs ? null
, lib ? import ../lib
}:
let
  baseModules = import ./module-list.nix;
in
lib.evalModules {
  class = "nixos";
  modules = baseModules ++ modules
    ++ lib.optional (pkgs != null) { nixpkgs.pkgs = pkgs; };
  specialArgs = { modulesPath = toString ./.; inherit baseModules; } // specialArgs;
}
