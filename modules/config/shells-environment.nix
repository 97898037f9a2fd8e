# Login shells' environment: `environment.variables` and `environment.shellAliases`, in
# /etc/profile.d/sysrebuild.sh (read by sh and bash login shells);
# `environment.sessionVariables` also in /etc/environment, which PAM (pam_env) reads for
# every session, including commands run over ssh that start no login shell.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.environment;
  q = lib.escapeShellArg;
in
{
  options.environment.variables = mkOption {
    type = types.attrsOf (types.oneOf [ types.str types.path types.int (types.listOf types.str) ]);
    default = { };
    example = { EDITOR = "vim"; };
    description = "Environment variables of login shells (lists are joined with `:`).";
  };

  options.environment.sessionVariables = mkOption {
    type = types.attrsOf (types.either types.singleLineStr (types.listOf types.singleLineStr));
    default = { };
    example = { PATH = [ "/run/wrappers/bin" "/usr/bin" ]; };
    description = ''
      Environment variables of every session opened through PAM (logins, ssh commands,
      `su`), written to /etc/environment (lists are joined with `:`), and of login
      shells.
    '';
  };

  options.environment.shellAliases = mkOption {
    type = types.attrsOf (types.nullOr types.str);
    default = { };
    example = { ll = "ls -l"; };
    description = "Aliases of interactive shells; `null` removes one.";
  };

  config.environment.variables = cfg.sessionVariables;

  config.environment.etc."environment".text = ''
    # Created by sysrebuild from environment.sessionVariables.
  '' + lib.concatStrings (lib.mapAttrsToList (name: value:
    "${name}=${if builtins.isList value then lib.concatStringsSep ":" value else value}\n")
    cfg.sessionVariables);

  config.environment.etc."profile.d/sysrebuild.sh".text = ''
    # Created by sysrebuild from environment.variables and environment.shellAliases.
  '' + lib.concatStrings (lib.mapAttrsToList (name: value:
    "export ${name}=${q (if builtins.isList value then lib.concatStringsSep ":" value else toString value)}\n")
    cfg.variables)
  + lib.concatStrings (lib.mapAttrsToList (name: value: "alias ${name}=${q value}\n")
    (lib.filterAttrs (_: v: v != null) cfg.shellAliases));
}
