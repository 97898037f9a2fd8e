{ ... }: {
  users.users.alice = { isNormalUser = true; extraGroups = [ "wheel" ]; openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAA alice@laptop" ]; };
  users.users.web = { isSystemUser = true; group = "web"; };
  users.groups.web = { };
  users.groups.admins.members = [ "alice" ];
}
