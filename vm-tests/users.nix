# Declared users and groups: ids, primary and supplementary groups, home directories,
# hashed and initial passwords (checked by logging in over ssh with them), authorized
# keys, system users, and sudo for members of wheel.
let
  key = import ./lib/test-key.nix;
in
{
  name = "users";
  nodes.machine = { pkgs, ... }: {
    imports = [ ../examples/minimal.nix ];
    users.mutableUsers = false;
    users.groups.media.gid = 2000;
    users.groups.svc = { };
    users.users.bob = {
      isNormalUser = true;
      description = "Bob Example";
      extraGroups = [ "wheel" "media" ];
      # `openssl passwd -6 -salt vmtestsalt bob-secret`
      hashedPassword = "$6$vmtestsalt$QcvHCEu/oOK5jDW1kiyEusNATJbT8eSY./Jr7k/FvBHgWL/kSHfl2g9Bzogvmx0QwgqTerN5YhnsKb88vYLHl/";
      openssh.authorizedKeys.keys = [ key.publicKey ];
    };
    users.users.carol = {
      isNormalUser = true;
      uid = 1500;
      initialPassword = "carol-secret";
    };
    users.users.svc = { isSystemUser = true; group = "svc"; };
    security.sudo.enable = true;
    services.openssh.enable = true;
    environment.systemPackages = [ pkgs.openssh-client pkgs.sshpass ];
    environment.etc."bob-key" = { text = key.privateKey; mode = "0600"; };
  };
  testScript = ''
    machine: wait_for_unit multi-user.target
    # Ids, groups and the passwd entries.
    machine: succeed test "$(id -u bob)" = 1000 && test "$(id -gn bob)" = users
    machine: succeed id -nG bob | tr ' ' '\n' | grep -qx media
    machine: succeed id -nG bob | tr ' ' '\n' | grep -qx wheel
    machine: succeed getent group media | grep -qx 'media:x:2000:bob'
    machine: succeed test "$(getent passwd bob | cut -d: -f5-7)" = "Bob Example:/home/bob:/usr/bin/bash"
    machine: succeed test "$(id -u carol)" = 1500 && ! id -nG carol | grep -qw wheel
    machine: succeed test "$(id -u svc)" -lt 1000 && test "$(getent passwd svc | cut -d: -f7)" = /usr/sbin/nologin
    machine: fail test -e /home/svc
    # Home directories belong to their users and are private.
    machine: succeed test "$(stat -c '%U %G %a' /home/bob)" = "bob users 700"
    machine: succeed test "$(stat -c '%U' /home/carol)" = carol
    # Password hashes are in /etc/shadow, which others cannot read.
    machine: succeed grep -q '^bob:\$6\$vmtestsalt\$' /etc/shadow
    machine: succeed stat -c %A /etc/shadow | grep -q -- '---$'
    machine: fail su -s /bin/sh svc -c 'cat /etc/shadow'
    # Logging in with the passwords and the key.
    machine: wait_for_open_port 22
    machine: succeed test "$(sshpass -p bob-secret ssh -o StrictHostKeyChecking=no -o PubkeyAuthentication=no bob@localhost whoami)" = bob
    machine: fail sshpass -p wrong-secret ssh -o StrictHostKeyChecking=no -o PubkeyAuthentication=no bob@localhost true
    machine: succeed test "$(sshpass -p carol-secret ssh -o StrictHostKeyChecking=no -o PubkeyAuthentication=no carol@localhost whoami)" = carol
    machine: succeed test "$(ssh -i /etc/bob-key -o BatchMode=yes -o StrictHostKeyChecking=no bob@localhost whoami)" = bob
    machine: fail ssh -i /etc/bob-key -o BatchMode=yes -o StrictHostKeyChecking=no carol@localhost true
    # wheel may use sudo with its password; others may not.
    machine: succeed test "$(sshpass -p bob-secret ssh -o StrictHostKeyChecking=no -o PubkeyAuthentication=no bob@localhost 'echo bob-secret | sudo -S -p "" whoami')" = root
    machine: fail sshpass -p carol-secret ssh -o StrictHostKeyChecking=no -o PubkeyAuthentication=no carol@localhost 'echo carol-secret | sudo -S -p "" true'
  '';
}
