# `environment.systemPackages`: merged into the system's `sw` (`system.path`), which
# becomes /usr of the running system (Debian's merged-usr layout).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.environment.systemPackages = mkOption {
    type = types.listOf types.package;
    default = [ ];
    example = lib.literalExpression "[ pkgs.htop pkgs.tmux ]";
    description = "Packages of the system, in /usr.";
  };

  options.environment.pathsToLink = mkOption {
    type = types.listOf types.str;
    default = [ "/" ];
    description = "Which directories of the packages are merged into the system's tree.";
  };

  options.system.path = mkOption {
    type = types.package;
    internal = true;
    description = "The merged packages (`sw` of the system).";
  };

  config.system.path = pkgs.buildEnv {
    name = "system-path";
    paths = config.environment.systemPackages;
    pathsToLink = config.environment.pathsToLink;
  };
}
