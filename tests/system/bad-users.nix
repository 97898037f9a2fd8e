{ ... }: {
  users.users.bob = { };
  users.users.carol = { isNormalUser = true; uid = 1000; };
  users.users.dave = { isNormalUser = true; uid = 1000; group = "nope"; };
}
