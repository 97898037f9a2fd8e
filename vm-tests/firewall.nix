# networking.firewall: a port it allows is reachable from the other node; one it does not
# allow is not (though the service listens and answers locally); ping is answered; the
# rules come back when the firewall service restarts.
let
  # A TCP service answering every connection with one line.
  answering = port: text: {
    description = "Answers on port ${toString port}";
    wantedBy = [ "multi-user.target" ];
    script = "exec socat TCP-LISTEN:${toString port},fork,reuseaddr SYSTEM:'echo ${text}'";
  };
in
{
  name = "firewall";
  nodes.server = { pkgs, ... }: {
    imports = [ ../examples/minimal.nix ];
    networking.firewall.enable = true;
    networking.firewall.allowedTCPPorts = [ 80 ];
    environment.systemPackages = [ pkgs.socat ];
    systemd.services.open-port = answering 80 "open-port" // { path = [ pkgs.socat ]; };
    systemd.services.closed-port = answering 8080 "closed-port" // { path = [ pkgs.socat ]; };
  };
  nodes.client = { pkgs, ... }: {
    imports = [ ../examples/minimal.nix ];
    environment.systemPackages = [ pkgs.socat pkgs.iputils-ping ];
  };
  testScript = ''
    start_all
    server: wait_for_unit firewall.service
    server: wait_for_open_port 80
    server: wait_for_open_port 8080
    server: succeed nft list table inet sysrebuild-fw | grep -q 'tcp dport 80 accept'
    # Both services answer on the server itself (the loopback interface is trusted).
    server: succeed test "$(socat -T5 - TCP:127.0.0.1:8080 </dev/null)" = closed-port
    # From the other node: the allowed port answers, the other one does not.
    client: wait_until_succeeds --timeout 60 test "$(socat -T5 - TCP:server:80,connect-timeout=5 </dev/null)" = open-port
    client: fail socat -T5 - TCP:server:8080,connect-timeout=5 </dev/null
    client: succeed ping -c 1 -W 5 server
    # Without the firewall the port is reachable; restarting it closes the port again.
    server: succeed systemctl stop firewall.service
    client: succeed test "$(socat -T5 - TCP:server:8080,connect-timeout=5 </dev/null)" = closed-port
    server: succeed systemctl start firewall.service
    client: fail socat -T5 - TCP:server:8080,connect-timeout=5 </dev/null
  '';
}
