{ pkgs, ... }: {
  networking.hostName = "box";
  time.timeZone = "Europe/Paris";
  users.users.alice = { isNormalUser = true; extraGroups = [ "wheel" ]; };
  systemd.services.hello = {
    description = "Say hello";
    wantedBy = [ "multi-user.target" ];
    after = [ "network.target" ];
    path = [ pkgs.hello ];
    environment.GREETING = "hi \"there\"";
    script = "hello";
    serviceConfig.Type = "oneshot";
    serviceConfig.RemainAfterExit = true;
    startAt = "daily";
  };
  systemd.tmpfiles.rules = [ "d /var/lib/hello 0755 root root -" ];
}
