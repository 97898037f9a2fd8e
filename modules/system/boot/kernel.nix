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

  options.system.modulesTree = mkOption {
    type = types.package;
    internal = true;
    description = ''
      The kernel as the running system and stage 1 use it: `boot/vmlinuz-VERSION` and
      `lib/modules/VERSION` with the indices (`modules.dep`, `modules.alias`, `*.bin`)
      that Debian's maintainer scripts would make with `depmod`.
    '';
  };

  config = {
    # Debian's `linux-image-amd64` is a metapackage: the kernel is the package it depends
    # on, found through `nix-support/propagated-deps`. The modules themselves stay in the
    # kernel's path (`kernel/` is a link); depmod (kmod's, run through the loader of its
    # own environment) writes the indices.
    system.modulesTree = pkgs.runCommand "kernel-modules" {
      preferLocalBuild = true;
      kernel = cfg.kernelPackage;
      kmod = pkgs.buildEnv { name = "kmod-env"; paths = [ pkgs.kmod ]; };
    } ''
      set -e
      image=""
      for p in "$kernel" $(cat "$kernel/nix-support/propagated-deps" 2>/dev/null); do
        for d in "$p"/lib/modules/* "$p"/usr/lib/modules/*; do
          [ -f "$d/modules.order" ] && [ -d "$d/kernel" ] && { image="$p"; moddir="$d"; }
        done
      done
      if [ -z "$image" ]; then
        echo "$kernel is not a kernel: neither it nor its dependencies have lib/modules/VERSION/modules.order" >&2
        exit 1
      fi
      version="''${moddir##*/}"
      mkdir -p "$out/boot" "$out/lib/modules/$version"
      for f in "$image"/boot/*; do ln -s "$f" "$out/boot/"; done
      for f in "$moddir"/*; do ln -s "$f" "$out/lib/modules/$version/"; done
      loader=""
      # Debian's /lib64 loader is an absolute link: take the file in the triplet dir.
      for f in "$kmod"/usr/lib/*-linux-gnu*/ld-linux*.so.*; do
        [ -e "$f" ] && { loader="$f"; break; }
      done
      libs="$(for d in "$kmod"/usr/lib/*-linux-gnu*; do printf '%s:' "$d"; done)"
      "$loader" --library-path "$libs" --argv0 depmod "$kmod/usr/bin/kmod" -b "$out" "$version"
    '';

    boot.initrd.availableKernelModules = [
      # What virtual machines and common PCs need to reach their root disk.
      "virtio_pci" "virtio_blk" "virtio_scsi" "virtio_net" "ahci" "sd_mod" "sr_mod" "nvme"
      # ext4 needs crc32c (a soft dependency, which busybox's modprobe ignores).
      "crc32c_generic" "ext4" "vfat" "nls_cp437" "nls_iso8859-1"
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
