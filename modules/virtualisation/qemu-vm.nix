# The system as a QEMU virtual machine (`sysrebuild build-vm`; imported only there, like
# NixOS's `vmVariant`). `system.build.vm` is a directory with `bin/run-<hostName>-vm`,
# which starts QEMU with:
#   - the kernel and initrd of the toplevel, `init=` its stage 2;
#   - a virtio root disk, `$NIX_DISK_IMAGE` (default `./<hostName>.qcow2`), created on
#     first start and formatted by stage 1;
#   - the store shared read-only over 9p (the directory holding the store's files: with a
#     relocated store `DIR/nix/store`), mounted on /nix/store;
#   - the serial console on stdout, user-mode networking with `forwardPorts`;
#   - `$QEMU_OPTS` appended to QEMU's options, `$QEMU_KERNEL_PARAMS` to the command line;
#   - KVM when a probe with a time limit shows it works, else TCG (`$QEMU_ACCEL` forces one).
# The contract the script honours is vm-tests/README.md's "The build-vm contract".
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.virtualisation;
  hostName = config.networking.hostName;

  forwardPortType = types.submodule {
    options = {
      from = mkOption {
        type = types.enum [ "host" "guest" ];
        default = "host";
        description = "Which side listens (only `host` is supported by user-mode networking forwards).";
      };
      proto = mkOption {
        type = types.enum [ "tcp" "udp" ];
        default = "tcp";
        description = "The protocol.";
      };
      host.address = mkOption { type = types.str; default = ""; description = "The host address (all when empty)."; };
      host.port = mkOption { type = types.port; description = "The host port."; };
      guest.address = mkOption { type = types.str; default = ""; description = "The guest address (the VM's when empty)."; };
      guest.port = mkOption { type = types.port; description = "The guest port."; };
    };
  };

  hostfwd = lib.concatMapStrings (f:
    ",hostfwd=${f.proto}:${f.host.address}:${toString f.host.port}-${f.guest.address}:${toString f.guest.port}")
    cfg.forwardPorts;

  storeOptions = [ "trans=virtio" "version=9p2000.L" "msize=${toString cfg.msize}" "cache=loose" "ro" ];
in
{
  options.virtualisation = {
    memorySize = mkOption {
      type = types.ints.positive;
      default = 1024;
      description = "The VM's memory, in MiB.";
    };
    cores = mkOption {
      type = types.ints.positive;
      default = 1;
      description = "The VM's number of CPUs.";
    };
    diskSize = mkOption {
      type = types.ints.positive;
      default = 1024;
      description = "The size of the root disk image created on first start, in MiB.";
    };
    diskImage = mkOption {
      type = types.str;
      default = "./${hostName}.qcow2";
      defaultText = lib.literalExpression ''"./''${config.networking.hostName}.qcow2"'';
      description = "The root disk image (relative to the directory QEMU starts in); `$NIX_DISK_IMAGE` overrides it.";
    };
    forwardPorts = mkOption {
      type = types.listOf forwardPortType;
      default = [ ];
      example = [ { from = "host"; host.port = 2222; guest.port = 22; } ];
      description = "Ports forwarded from the host to the VM (user-mode networking).";
    };
    restrictNetwork = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Isolate the user-mode network: the VM reaches neither the host nor anything
        beyond it (forwarded ports still work). Test VMs set it, so that a test never
        talks to the outside world.
      '';
    };
    msize = mkOption {
      type = types.ints.positive;
      default = 262144;
      description = "The 9p packet size for the shared store.";
    };
    qemu.options = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "-vga" "none" ];
      description = "Further QEMU options (before `$QEMU_OPTS`).";
    };
    qemu.binary = mkOption {
      type = types.str;
      default = "qemu-system-x86_64";
      description = "The QEMU program, looked up in the host's PATH when the script runs.";
    };
  };

  config = {
    assertions = map (f: {
      assertion = f.from == "host";
      message = "virtualisation.forwardPorts: only host-to-guest forwards are supported (guest port ${toString f.guest.port}).";
    }) cfg.forwardPorts;

    # The VM's disks replace the configuration's.
    fileSystems = lib.mkVMOverride {
      "/" = { device = "/dev/vda"; fsType = "ext4"; autoFormat = true; };
      "/nix/store" = { device = "nix-store"; fsType = "9p"; options = storeOptions; neededForBoot = true; };
    };
    swapDevices = lib.mkVMOverride [ ];

    boot.initrd.kernelModules = [ "virtio_pci" "virtio_blk" "9p" "9pnet_virtio" "crc32c_generic" "ext4" ];
    boot.kernelParams = [ "console=ttyS0" ];

    # With `sysrebuild.boot-report` on the kernel command line (QEMU_KERNEL_PARAMS), the
    # VM prints, once the boot is over, the system's state, its failed units and the
    # TCP ports listened on to the console, between marker lines (tests read them).
    systemd.services.sysrebuild-boot-report = {
      description = "Report the boot's outcome on the console";
      wantedBy = [ "multi-user.target" ];
      after = [ "multi-user.target" ];
      unitConfig.ConditionKernelCommandLine = "sysrebuild.boot-report";
      serviceConfig.Type = "oneshot";
      path = [ pkgs.systemd pkgs.iproute2 pkgs.coreutils ];
      # The report is written at the end, in one piece, through a fresh open of the
      # serial port: the serial getty hangs the port up when it starts (vhangup), which
      # under a slow emulator can happen while the report is being written, and a
      # descriptor opened before that only gets EIO afterwards.
      script = ''
        # The boot is over when no job but this one is left (is-system-running would
        # wait for this service too).
        for _ in $(seq 240); do
          [ -z "$(systemctl list-jobs --no-legend | grep -v sysrebuild-boot-report)" ] && break
          sleep 0.5
        done
        report=/run/sysrebuild-boot-report
        {
          echo "sysrebuild-boot-report: begin"
          systemctl list-jobs --no-legend | grep -v sysrebuild-boot-report | sed 's/^/pending: /' || true
          echo "uptime: $(cut -d' ' -f1 /proc/uptime)"
          systemctl list-units --state=failed --no-legend --plain | sed 's/^/failed: /'
          ss -Htln | while read -r _ _ _ local _; do echo "listening: $local"; done
          echo "sysrebuild-boot-report: end"
        } > "$report"
        for _ in $(seq 10); do
          cat "$report" > /dev/ttyS0 && exit 0
          sleep 1
        done
        exit 1
      '';
    };

    system.build.vm = pkgs.runCommand "run-${hostName}-vm" {
      preferLocalBuild = true;
      toplevel = config.system.build.toplevel;
      inherit hostName;
      memorySize = toString cfg.memorySize;
      cores = toString cfg.cores;
      diskSize = toString cfg.diskSize;
      diskImage = cfg.diskImage;
      qemuBinary = cfg.qemu.binary;
      qemuOptions = lib.escapeShellArgs cfg.qemu.options;
      netdev = "user,id=user.0${lib.optionalString cfg.restrictNetwork ",restrict=on"}${hostfwd}";
      kernelParams = lib.concatStringsSep " " config.boot.kernelParams;
      script = ./run-vm.sh;
    } ''
      set -e
      mkdir -p "$out/bin"
      kernel="$(readlink -f "$toplevel/kernel")"
      initrd="$(readlink -f "$toplevel/initrd")"
      sed -e "s|@toplevel@|$toplevel|g" -e "s|@kernel@|$kernel|g" -e "s|@initrd@|$initrd|g" \
        -e "s|@hostName@|$hostName|g" -e "s|@memorySize@|$memorySize|g" -e "s|@cores@|$cores|g" \
        -e "s|@diskSize@|$diskSize|g" -e "s|@diskImage@|$diskImage|g" -e "s|@qemuBinary@|$qemuBinary|g" \
        -e "s|@qemuOptions@|$qemuOptions|g" -e "s|@netdev@|$netdev|g" -e "s|@kernelParams@|$kernelParams|g" \
        -e "s|@storeDir@|$NIX_STORE|g" \
        "$script" > "$out/bin/run-$hostName-vm"
      chmod 0555 "$out/bin/run-$hostName-vm"
      ln -s "$toplevel" "$out/system"
    '';
  };
}
