# Every module of the library, loaded for every system (each does nothing until enabled
# or defined).
[
  ./misc/assertions.nix
  ./misc/pkgs.nix
  ./misc/version.nix
  ./system/build.nix
  ./config/networking.nix
  ./config/locale.nix
  ./config/users-groups.nix
  ./config/shells-environment.nix
  ./config/system-path.nix
  ./system/etc/etc.nix
  ./system/boot/kernel.nix
  ./system/boot/loader.nix
  ./system/boot/systemd.nix
  ./system/boot/tmpfiles.nix
  ./tasks/filesystems.nix
  ./networking/networkd.nix
  ./networking/firewall.nix
  ./security/wrappers.nix
  ./security/sudo.nix
  ./services/openssh.nix
  ./services/nginx.nix
]
