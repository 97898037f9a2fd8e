# `environment.etc`: the files of /etc. They are built into one tree in the store
# (`system.build.etc`, `etc/` of the system): each entry a symlink to its source, plus
# `NAME.mode`, `NAME.uid`, `NAME.gid` beside entries that activation must copy
# instead of link (mode other than "symlink").
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;

  entryModule = { name, config, options, ... }: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Whether this file is created.";
      };
      target = mkOption {
        type = types.str;
        description = "The path below /etc (the attribute name by default).";
      };
      text = mkOption {
        type = types.nullOr types.lines;
        default = null;
        description = "The file's contents.";
      };
      source = mkOption {
        type = types.path;
        description = "The file or directory linked (or copied) to /etc.";
      };
      mode = mkOption {
        type = types.strMatching "^(symlink|direct-symlink|0?[0-7]{3,4})$";
        default = "symlink";
        example = "0600";
        description = ''
          `symlink` (the default) links /etc/TARGET to the store; an octal mode copies the
          file instead, with that mode and {option}`user`/{option}`group`.
        '';
      };
      uid = mkOption {
        type = types.int;
        default = 0;
        description = "The copied file's owner, by id.";
      };
      gid = mkOption {
        type = types.int;
        default = 0;
        description = "The copied file's group, by id.";
      };
      user = mkOption {
        type = types.str;
        default = "+${toString config.uid}";
        description = "The copied file's owner, by name (`+N` for an id).";
      };
      group = mkOption {
        type = types.str;
        default = "+${toString config.gid}";
        description = "The copied file's group, by name (`+N` for an id).";
      };
    };
    config = {
      target = lib.mkDefault name;
      source = lib.mkIf (config.text != null) (lib.mkDerivedConfig options.text
        (text: pkgs.writeText "etc-${baseNameOf name}" text));
    };
  };
  enabled = lib.filter (e: e.enable) (lib.attrValues config.environment.etc);
  targets = map (e: e.target) enabled;
  duplicates = lib.filter (t: lib.count (x: x == t) targets > 1) (lib.unique targets);

  q = lib.escapeShellArg;
  makeEntry = e: ''
    make_entry ${q "${e.source}"} ${q e.target} ${q e.mode} ${q e.user} ${q e.group}
  '';
in
{
  options.environment.etc = mkOption {
    type = types.attrsOf (types.submodule entryModule);
    default = { };
    example = lib.literalExpression ''
      { "issue".text = "Welcome\n"; "ssh/ssh_config".source = ./ssh_config; }
    '';
    description = "Files of /etc, by path below /etc.";
  };

  config = {
    assertions = map (t: {
      assertion = false;
      message = "environment.etc: several entries have the target '${t}'.";
    }) duplicates;

    system.build.etc = pkgs.runCommand "etc" { preferLocalBuild = true; } ''
      set -e
      make_entry() {
        src="$1"; target="$2"; mode="$3"; user="$4"; group="$5"
        case "$target" in /*|*..*) echo "invalid /etc target: $target" >&2; exit 1;; esac
        mkdir -p "$out/etc/$(dirname "$target")"
        ln -s "$src" "$out/etc/$target"
        if [ "$mode" != symlink ] && [ "$mode" != direct-symlink ]; then
          echo "$mode" > "$out/etc/$target.mode"
          echo "$user" > "$out/etc/$target.uid"
          echo "$group" > "$out/etc/$target.gid"
        fi
      }
      mkdir -p "$out/etc"
      ${lib.concatMapStrings makeEntry enabled}
    '';
  };
}
