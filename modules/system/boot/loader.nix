# Boot loader options. The loaders are installed by `sysrebuild switch`/`boot` and the
# installer (a later issue); here they are declared and checked.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.boot.loader;
in
{
  options.boot.loader = {
    timeout = mkOption {
      type = types.nullOr types.int;
      default = 5;
      description = "Seconds the menu waits before booting the default entry (`null`: forever).";
    };
    systemd-boot.enable = lib.mkEnableOption "systemd-boot, the EFI boot manager";
    systemd-boot.configurationLimit = mkOption {
      type = types.nullOr types.ints.positive;
      default = null;
      example = 10;
      description = "How many generations the menu lists at most (`null`: all).";
    };
    efi.canTouchEfiVariables = mkOption {
      type = types.bool;
      default = false;
      description = "Whether installing the boot loader may change the firmware's boot entries.";
    };
    efi.efiSysMountPoint = mkOption {
      type = types.str;
      default = "/boot";
      description = "Where the EFI system partition is mounted.";
    };
    grub.enable = lib.mkEnableOption "GRUB";
    grub.device = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/dev/sda";
      description = "The disk GRUB is installed on for BIOS booting, or `nodev` for EFI only.";
    };
    grub.efiSupport = mkOption {
      type = types.bool;
      default = false;
      description = "Whether GRUB is installed for EFI.";
    };
    grub.configurationLimit = mkOption {
      type = types.nullOr types.ints.positive;
      default = null;
      description = "How many generations the GRUB menu lists at most.";
    };
  };

  config.assertions = [
    {
      assertion = !(cfg.systemd-boot.enable && cfg.grub.enable);
      message = "boot.loader: enable either systemd-boot or GRUB, not both.";
    }
    {
      assertion = !cfg.grub.enable || cfg.grub.device != null || cfg.grub.efiSupport;
      message = "boot.loader.grub.enable is set: set boot.loader.grub.device (or efiSupport with device \"nodev\").";
    }
  ];
}
