# What makes a system a test VM for `sysrebuild vm-test` (only test VMs import this module;
# it is not in module-list.nix): the backdoor the driver talks to, the test network's
# address and host names from the driver's kernel parameters, and settings that make
# booting fast. The protocol is described in vm-tests/README.md.
{ config, lib, pkgs, ... }:
let
  # The backdoor on the virtio console. The tty driver resets a console's settings when
  # its last descriptor closes, so the console stays open (stdin, stdout, stderr) from
  # `stty` to the shell; the shell reads its script from the console (not interactive: no
  # prompt, no echo) and writes its replies there.
  backdoor = ''
    exec < /dev/hvc0 > /dev/hvc0 2>&1
    stty raw -echo
    echo "sysrebuild-backdoor: ready"
    exec sh /dev/hvc0
  '';

  # sysrebuild.vm.ip=192.168.1.N/24 goes to the interface with MAC 52:54:00:12:01:NN;
  # sysrebuild.vm.hosts=ADDR=NAME,… become /etc/hosts lines.
  testNetwork = ''
    addr= hosts=
    for p in $(cat /proc/cmdline); do
      case "$p" in
        sysrebuild.vm.ip=*) addr="''${p#*=}" ;;
        sysrebuild.vm.hosts=*) hosts="''${p#*=}" ;;
      esac
    done
    if [ -n "$hosts" ]; then
      { grep -v ' # sysrebuild-vm$' /etc/hosts || true
        for h in $(echo "$hosts" | tr ',' ' '); do
          echo "''${h%%=*} ''${h#*=} # sysrebuild-vm"
        done
      } > /etc/hosts.sysrebuild-vm
      mv -f /etc/hosts.sysrebuild-vm /etc/hosts
    fi
    [ -n "$addr" ] || exit 0
    own="''${addr%/*}"
    mac=$(printf '52:54:00:12:01:%02x' "''${own##*.}")
    # systemd-networkd owns the links: an address set behind its back is removed when it
    # configures the link, so the address is given to networkd itself, as a runtime
    # .network file (read from /run/systemd/network) written before it starts.
    mkdir -p /run/systemd/network
    {
      echo "[Match]"
      echo "MACAddress=$mac"
      echo "[Link]"
      echo "RequiredForOnline=no"
      echo "[Network]"
      echo "Address=$addr"
      echo "LinkLocalAddressing=no"
      echo "IPv6AcceptRA=no"
    } > /run/systemd/network/10-sysrebuild-vm.network
  '';
in
{
  config = {
    boot.kernelModules = [ "virtio_console" "virtio_net" ];
    boot.initrd.availableKernelModules = [ "virtio_pci" "virtio_blk" "virtio_net" ];
    # Boot straight through, keep the console on the serial port the driver logs.
    boot.kernelParams = [ "console=ttyS0" "no_timer_check" "panic=1" "boot.panic_on_fail" ];
    boot.loader.timeout = lib.mkDefault 0;

    # The backdoor's and the driver's tools: base64 and stty (coreutils), ip (iproute2).
    environment.systemPackages = [ pkgs.coreutils pkgs.iproute2 ];

    systemd.services.backdoor = {
      description = "Root shell for the sysrebuild test driver";
      wantedBy = [ "multi-user.target" ];
      # The console's device node appears only once virtio_console has seen the host's
      # port; a write before that would create a plain file in its place.
      requires = [ "dev-hvc0.device" ];
      after = [ "dev-hvc0.device" "sysrebuild-vm-network.service" ];
      path = [ pkgs.coreutils pkgs.iproute2 pkgs.systemd ];
      environment.HOME = "/root";
      script = backdoor;
      serviceConfig = {
        KillSignal = "SIGHUP";
        Restart = "always";
        RestartSec = "100ms";
      };
      unitConfig.DefaultDependencies = false;
    };

    systemd.services.sysrebuild-vm-network = {
      description = "Test network address and host names from the kernel command line";
      wantedBy = [ "multi-user.target" ];
      before = [ "network.target" "systemd-networkd.service" ];
      wants = [ "network.target" ];
      unitConfig.DefaultDependencies = false;
      after = [ "local-fs.target" ];
      path = [ pkgs.coreutils pkgs.grep ];
      script = testNetwork;
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
      };
    };

    # Tests talk to their own nodes only, never to the host's network or beyond.
    virtualisation.restrictNetwork = true;

    # A test VM has no use for waiting on a network that the driver configures itself.
    systemd.services.systemd-networkd-wait-online.enable = lib.mkDefault false;
  };
}
