# Where `pkgs` comes from: the pinned Debian package universe (`<sysrebuild/pkgs>`),
# with overlays, or a package set given as a whole.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.nixpkgs;
in
{
  options.nixpkgs.pkgs = mkOption {
    type = types.nullOr (types.lazyAttrsOf types.raw);
    default = null;
    description = ''
      A package set to use as `pkgs`, instead of importing the pinned one. The other
      `nixpkgs.*` options are then ignored.
    '';
  };

  options.nixpkgs.overlays = mkOption {
    type = types.listOf (types.functionTo (types.functionTo (types.lazyAttrsOf types.raw)));
    default = [ ];
    example = lib.literalExpression ''
      [ (final: prev: { hello = prev.hello.overrideAttrs (old: { }); }) ]
    '';
    description = "Overlays (`final: prev: { … }`) applied to the package set.";
  };

  options.nixpkgs.lockFile = mkOption {
    type = types.nullOr types.path;
    default = null;
    example = lib.literalExpression "./sysrebuild.lock";
    description = ''
      The lock file pinning the Debian archive index (`sysrebuild.lock`); by default the
      one the package set finds itself.
    '';
  };

  options.nixpkgs.system = mkOption {
    type = types.str;
    default = builtins.currentSystem;
    defaultText = lib.literalExpression "builtins.currentSystem";
    example = "aarch64-linux";
    description = "The platform the system is built for.";
  };

  config._module.args.pkgs =
    if cfg.pkgs != null then cfg.pkgs
    else import ../../pkgs ({ inherit (cfg) overlays system; }
      // lib.optionalAttrs (cfg.lockFile != null) { lock = cfg.lockFile; });
}
