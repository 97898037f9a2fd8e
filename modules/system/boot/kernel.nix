# The kernel, its parameters and modules, and sysctl settings. Stage 1 (the initrd) loads
# `boot.initrd.kernelModules` and, when it needs them to find the root device,
# `boot.initrd.availableKernelModules`; the running system loads `boot.kernelModules`
# through systemd-modules-load (/etc/modules-load.d).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.boot;
  moduleList = description: example: mkOption {
    type = types.listOf types.str;
    default = [ ];
    inherit example description;
  };
in
{
  options.boot = {
    kernelPackages = mkOption {
      type = types.lazyAttrsOf types.raw;
      default = { kernel = pkgs.linux-image-amd64; };
      defaultText = lib.literalExpression "{ kernel = pkgs.linux-image-amd64; }";
      description = ''
        NixOS's shape: a set whose `kernel` is the kernel package. sysrebuild's kernels
        are Debian's `linux-image-*` packages (`boot/vmlinuz-VERSION` and
        `lib/modules/VERSION`).
      '';
    };
    kernelPackage = mkOption {
      type = types.package;
      default = cfg.kernelPackages.kernel;
      defaultText = lib.literalExpression "config.boot.kernelPackages.kernel";
      example = lib.literalExpression "pkgs.linux-image-cloud-amd64";
      description = "The kernel package.";
    };
    kernelParams = mkOption {
      type = types.listOf (types.strMatching ''^([^"[:space:]]|"[^"]*")+$'');
      default = [ ];
      example = [ "console=ttyS0" "quiet" ];
      description = "Parameters on the kernel's command line.";
    };
    kernelModules = moduleList "Modules loaded in the running system." [ "kvm-intel" ];
    blacklistedKernelModules = moduleList "Modules never loaded automatically." [ "pcspkr" ];
    extraModprobeConfig = mkOption {
      type = types.lines;
      default = "";
      example = "options snd_hda_intel power_save=1";
      description = "Lines of /etc/modprobe.d/sysrebuild.conf.";
    };
    initrd.availableKernelModules = moduleList ''
      Modules stage 1 may need to find and mount the root file system (disk controllers,
      file systems); loaded when the hardware is present.
    '' [ "virtio_blk" "ahci" ];
    initrd.kernelModules = moduleList "Modules stage 1 always loads." [ "dm_mod" ];
    kernel.sysctl = mkOption {
      type = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str ]));
      default = { };
      example = { "net.ipv4.ip_forward" = 1; };
      description = "Kernel settings (`sysctl`), in /etc/sysctl.d/60-sysrebuild.conf.";
    };
  };

  config = {
    boot.initrd.availableKernelModules = [
      # What virtual machines and common PCs need to reach their root disk.
      "virtio_pci" "virtio_blk" "virtio_scsi" "virtio_net" "ahci" "sd_mod" "sr_mod" "nvme"
      "ext4" "vfat" "nls_cp437" "nls_iso8859-1"
    ];

    environment.etc."modules-load.d/sysrebuild.conf".text =
      lib.concatLines cfg.kernelModules;
    environment.etc."modprobe.d/sysrebuild.conf".text =
      lib.concatMapStrings (m: "blacklist ${m}\n") cfg.blacklistedKernelModules
      + cfg.extraModprobeConfig;
    environment.etc."sysctl.d/60-sysrebuild.conf".text = lib.concatStrings
      (lib.mapAttrsToList (key: value: "${key}=${
        if builtins.isBool value then (if value then "1" else "0") else toString value}\n")
        (lib.filterAttrs (_: v: v != null) cfg.kernel.sysctl));
  };
}
