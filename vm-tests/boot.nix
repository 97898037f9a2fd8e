# examples/minimal.nix boots to multi-user.target with no failed unit; the test network's
# host names are in /etc/hosts; the system reboots with its disk's state kept, and powers
# off cleanly.
{
  name = "boot";
  nodes.machine = import ../examples/minimal.nix;
  testScript = ''
    machine: wait_for_unit multi-user.target
    machine: succeed test "$(hostname)" = minimal
    machine: succeed test "$(systemctl list-units --failed --plain --no-legend | wc -l)" = 0
    machine: succeed grep -q '^192.168.1.1 machine' /etc/hosts
    machine: succeed test "$(readlink -f /run/current-system)" = "$(readlink -f /run/booted-system)"
    machine: succeed echo kept > /root/across-reboots && sync
    machine: reboot
    machine: wait_for_unit multi-user.target
    machine: succeed grep -qx kept /root/across-reboots
    machine: succeed test "$(systemctl list-units --failed --plain --no-legend | wc -l)" = 0
    machine: shutdown
  '';
}
