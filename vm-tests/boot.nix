# examples/minimal.nix boots to multi-user.target with no failed unit; the test network's
# host names are in /etc/hosts.
{
  name = "boot";
  nodes.machine = import ../examples/minimal.nix;
  testScript = ''
    machine: wait_for_unit multi-user.target
    machine: succeed test "$(hostname)" = minimal
    machine: succeed test "$(systemctl list-units --failed --plain --no-legend | wc -l)" = 0
    machine: succeed grep -q '^192.168.1.1 machine' /etc/hosts
  '';
}
