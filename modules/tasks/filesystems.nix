# `fileSystems` and `swapDevices`, written to /etc/fstab (systemd's fstab generator makes
# the mount units at boot; stage 1 mounts `/` and `/nix/store` itself).
{ config, lib, ... }:
let
  inherit (lib) mkOption types;

  fsModule = { name, config, ... }: {
    options = {
      mountPoint = mkOption {
        type = types.str;
        default = name;
        description = "Where it is mounted (the attribute name by default).";
      };
      device = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/dev/sda1";
        description = "The device (or, for network and virtual file systems, the source).";
      };
      label = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The file system's label: used as `/dev/disk/by-label/LABEL`.";
      };
      fsType = mkOption {
        type = types.str;
        default = "auto";
        example = "ext4";
        description = "The file system type.";
      };
      options = mkOption {
        type = types.nonEmptyListOf types.str;
        default = [ "defaults" ];
        example = [ "noatime" ];
        description = "Mount options.";
      };
      neededForBoot = mkOption {
        type = types.bool;
        default = false;
        description = "Whether stage 1 mounts it (/, /nix and /nix/store always are).";
      };
    };
    config.device = lib.mkIf (config.label != null)
      (lib.mkDefault "/dev/disk/by-label/${config.label}");
  };

  swapModule = { ... }: {
    options = {
      device = mkOption {
        type = types.str;
        example = "/dev/sda2";
        description = "The swap device or file.";
      };
      priority = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "The swap priority (`pri=`).";
      };
    };
  };

  # fstab(5) escapes spaces and the like as octal.
  escape = lib.replaceStrings [ " " "\t" ] [ "\\040" "\\011" ];
  fileSystems = lib.sort (a: b: a.mountPoint < b.mountPoint)
    (lib.attrValues config.fileSystems);
  fsLine = fs:
    "${escape fs.device} ${escape fs.mountPoint} ${fs.fsType} ${lib.concatStringsSep "," fs.options} 0 ${if fs.mountPoint == "/" then "1" else "2"}";
  swapLine = s:
    "${escape s.device} none swap ${if s.priority == null then "defaults" else "pri=${toString s.priority}"} 0 0";
in
{
  options.fileSystems = mkOption {
    type = types.attrsOf (types.submodule fsModule);
    default = { };
    example = lib.literalExpression ''
      { "/" = { device = "/dev/disk/by-label/root"; fsType = "ext4"; }; }
    '';
    description = "The file systems to mount, by mount point.";
  };

  options.swapDevices = mkOption {
    type = types.listOf (types.submodule swapModule);
    default = [ ];
    description = "Swap devices and files.";
  };

  config = {
    assertions = map (fs: {
      assertion = fs.device != null;
      message = "fileSystems.\"${fs.mountPoint}\": set device or label.";
    }) fileSystems;

    environment.etc.fstab.text = ''
      # Created by sysrebuild from fileSystems and swapDevices.
    '' + lib.concatMapStrings (fs: fsLine fs + "\n")
      (lib.filter (fs: fs.device != null) fileSystems)
    + lib.concatMapStrings (s: swapLine s + "\n") config.swapDevices;
  };
}
