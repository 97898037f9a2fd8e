# examples/server.nix reached from a second node: nginx with curl, OpenSSH (port 2222,
# keys only) with a key from the configuration; password logins are refused.
let
  # A key pair made for this test only (never use it elsewhere).
  clientKey = ''
    -----BEGIN OPENSSH PRIVATE KEY-----
    b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
    QyNTUxOQAAACBinxC3rZM9+8la1s97pGP/+k9yjbz6hXZgF2StwPKGnwAAAJDYC5p92Aua
    fQAAAAtzc2gtZWQyNTUxOQAAACBinxC3rZM9+8la1s97pGP/+k9yjbz6hXZgF2StwPKGnw
    AAAEBI2G5zKSLEqh48tAJ93nGudik850JiiWTT6DrKkX/EXmKfELetkz37yVrWz3ukY//6
    T3KNvPqFdmAXZK3A8oafAAAAC3Rlc3RAY2xpZW50AQI=
    -----END OPENSSH PRIVATE KEY-----
  '';
  clientPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGKfELetkz37yVrWz3ukY//6T3KNvPqFdmAXZK3A8oaf test@client";
in
{
  name = "server";
  nodes.server = {
    imports = [ ../examples/server.nix ];
    users.users.alice.openssh.authorizedKeys.keys = [ clientPublicKey ];
  };
  nodes.client = { lib, pkgs, ... }: {
    imports = [ ../examples/minimal.nix ];
    networking.hostName = lib.mkForce "client";
    environment.systemPackages = [ pkgs.curl pkgs.openssh-client ];
    environment.etc."test-key" = { text = clientKey; mode = "0600"; };
  };
  testScript = ''
    start_all
    server: wait_for_unit nginx.service
    server: wait_for_unit sshd.service
    server: wait_for_open_port 80
    server: wait_for_open_port 2222
    server: succeed echo served-by-nginx > /srv/www/index.html
    client: wait_until_succeeds --timeout 120 curl -sf http://server/ | grep -qx served-by-nginx
    client: succeed test "$(ssh -i /etc/test-key -p 2222 -o StrictHostKeyChecking=no -o BatchMode=yes alice@server whoami)" = alice
    # Without the key: only public-key authentication is offered, so the login is refused.
    client: succeed ssh -p 2222 -o PubkeyAuthentication=no -o StrictHostKeyChecking=no -o BatchMode=yes alice@server true 2>&1 | grep -q 'Permission denied (publickey)'
    client: fail ssh -p 2222 -o PubkeyAuthentication=no -o StrictHostKeyChecking=no -o BatchMode=yes alice@server true
  '';
}
