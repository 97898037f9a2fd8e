# A small web server: OpenSSH on port 2222 with keys only, nginx serving one virtual
# host, two users, the firewall, time zone and locale.
#
#   sysrebuild build -f examples/server.nix --store /tmp/store
#   sysrebuild build-vm -f examples/server.nix --store /tmp/store && ./result/bin/run-web-vm
{ pkgs, ... }:
let
  aliceKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDk1Wq0UBcWsKjQyHDRx0xJx1Ydm7uKq0n4JrL8p5v3A alice@laptop";
in
{
  networking.hostName = "web";
  system.stateVersion = "24.05";

  fileSystems."/" = { device = "/dev/disk/by-label/root"; fsType = "ext4"; };
  boot.initrd.availableKernelModules = [ "virtio_pci" "virtio_blk" "ahci" "sd_mod" ];
  boot.kernelParams = [ "console=ttyS0" ];

  time.timeZone = "Europe/Paris";
  i18n.defaultLocale = "C.UTF-8";

  services.openssh = {
    enable = true;
    ports = [ 2222 ];
    settings = {
      PasswordAuthentication = false;
      KbdInteractiveAuthentication = false;
      PermitRootLogin = "no";
    };
  };

  services.nginx = {
    enable = true;
    virtualHosts."web.example.org" = {
      root = "/srv/www";
      locations."/".index = "index.html";
    };
  };
  systemd.tmpfiles.rules = [ "d /srv/www 0755 root root -" ];
  environment.etc."motd".text = "web: sysrebuild example server\n";

  networking.firewall = {
    enable = true;
    allowedTCPPorts = [ 80 ];
  };

  users.groups.webadmins = { };
  users.users.alice = {
    isNormalUser = true;
    description = "Alice";
    extraGroups = [ "wheel" "webadmins" ];
    openssh.authorizedKeys.keys = [ aliceKey ];
  };
  users.users.bob = {
    isNormalUser = true;
    description = "Bob";
    extraGroups = [ "webadmins" ];
  };
  security.sudo.enable = true;

  environment.systemPackages = with pkgs; [ curl less procps iproute2 ];
}
