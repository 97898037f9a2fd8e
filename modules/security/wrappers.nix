# `security.wrappers`: programs that need privileges the store cannot hold (setuid,
# setgid, capabilities). Activation copies each to /run/wrappers/bin with its owner, mode
# and capabilities (`system.build.wrappers` describes them as JSON); /run/wrappers/bin
# comes first in PATH, for login shells and every PAM session (ssh commands too).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;

  wrapperModule = { name, ... }: {
    options = {
      source = mkOption {
        type = types.path;
        description = "The program to wrap (a path in the store).";
      };
      program = mkOption {
        type = types.str;
        default = name;
        description = "The wrapper's name in /run/wrappers/bin.";
      };
      owner = mkOption { type = types.str; default = "root"; description = "The wrapper's owner."; };
      group = mkOption { type = types.str; default = "root"; description = "The wrapper's group."; };
      permissions = mkOption {
        type = types.strMatching "^[0-7]{3,4}$";
        default = "0511";
        description = "The wrapper's permission bits (octal).";
      };
      setuid = mkOption { type = types.bool; default = false; description = "Whether the wrapper is setuid."; };
      setgid = mkOption { type = types.bool; default = false; description = "Whether the wrapper is setgid."; };
      capabilities = mkOption {
        type = types.commas;
        default = "";
        example = "cap_net_raw+ep";
        description = "File capabilities (setcap(8) syntax).";
      };
    };
  };
in
{
  options.security.wrappers = mkOption {
    type = types.attrsOf (types.submodule wrapperModule);
    default = { };
    example = lib.literalExpression ''
      { ping = { source = "''${pkgs.iputils-ping}/usr/bin/ping"; capabilities = "cap_net_raw+p"; }; }
    '';
    description = "Privileged copies of programs, in /run/wrappers/bin.";
  };

  config = {
    system.build.wrappers = pkgs.writeText "wrappers.json" (builtins.toJSON
      (lib.mapAttrsToList (_: w: {
        inherit (w) program owner group permissions setuid setgid capabilities;
        source = toString w.source;
      }) config.security.wrappers));
    environment.sessionVariables.PATH = lib.mkDefault [
      "/run/wrappers/bin" "/usr/local/bin" "/usr/bin" "/usr/local/sbin" "/usr/sbin"
    ];
  };
}
