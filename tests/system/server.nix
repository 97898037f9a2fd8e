{ pkgs, ... }: {
  networking.hostName = "web";
  networking.firewall.allowedTCPPorts = [ 80 ];
  networking.interfaces.eth0.ipv4.addresses = [ { address = "192.168.1.2"; prefixLength = 24; } ];
  networking.defaultGateway = "192.168.1.1";
  networking.nameservers = [ "9.9.9.9" ];
  services.openssh = {
    enable = true;
    ports = [ 2222 ];
    settings.PasswordAuthentication = false;
    settings.KexAlgorithms = [ "curve25519-sha256" "sntrup761x25519-sha512@openssh.com" ];
  };
  services.nginx = {
    enable = true;
    virtualHosts."example.org" = {
      root = "/var/www";
      locations."/api/".proxyPass = "http://127.0.0.1:3000";
    };
  };
  security.sudo.enable = true;
  users.users.alice = { isNormalUser = true; extraGroups = [ "wheel" ]; openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAA alice" ]; };
  boot.kernelModules = [ "kvm-intel" ];
  boot.kernel.sysctl."net.ipv4.ip_forward" = true;
}
