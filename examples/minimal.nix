# The smallest bootable system: a kernel, an initrd, systemd and a root user.
#
#   sysrebuild build -f examples/minimal.nix --store /tmp/store
#   sysrebuild build-vm -f examples/minimal.nix --store /tmp/store && ./result/bin/run-minimal-vm
{ ... }:
{
  networking.hostName = "minimal";
  system.stateVersion = "24.05";

  fileSystems."/" = { device = "/dev/disk/by-label/root"; fsType = "ext4"; };
  boot.initrd.availableKernelModules = [ "virtio_pci" "virtio_blk" "ahci" "sd_mod" ];
  boot.kernelParams = [ "console=ttyS0" ];

  # Log in on the console as root without a password (a test system only).
  users.users.root.hashedPassword = "";
}
