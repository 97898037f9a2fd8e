# examples/server.nix reached from a second node: nginx with curl, OpenSSH (port 2222,
# keys only) with a key from the configuration; password logins are refused.
let
  key = import ./lib/test-key.nix;
in
{
  name = "server";
  nodes.server = {
    imports = [ ../examples/server.nix ];
    users.users.alice.openssh.authorizedKeys.keys = [ key.publicKey ];
  };
  nodes.client = { lib, pkgs, ... }: {
    imports = [ ../examples/minimal.nix ];
    networking.hostName = lib.mkForce "client";
    environment.systemPackages = [ pkgs.curl pkgs.openssh-client ];
    environment.etc."test-key" = { text = key.privateKey; mode = "0600"; };
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
