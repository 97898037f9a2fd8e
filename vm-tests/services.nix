# Custom systemd units from the configuration: a service with `script`, `path`,
# `environment` and `serviceConfig`; a service restarted when it dies; a timer; a service
# started by `startAt`; tmpfiles rules.
{
  name = "services";
  nodes.machine = { pkgs, ... }: {
    imports = [ ../examples/minimal.nix ];

    systemd.services.greeter = {
      description = "Writes a greeting";
      wantedBy = [ "multi-user.target" ];
      path = [ pkgs.hello ];
      environment.GREETING = "hello from the environment";
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        DynamicUser = true;
        RuntimeDirectory = "greeter";
        RuntimeDirectoryPreserve = "yes";
      };
      script = ''
        hello -g "$GREETING" > "$RUNTIME_DIRECTORY/greeting"
        id -u > "$RUNTIME_DIRECTORY/uid"
      '';
    };

    systemd.services.sleeper = {
      description = "Runs until killed, then comes back";
      wantedBy = [ "multi-user.target" ];
      serviceConfig = { Restart = "always"; RestartSec = 1; };
      script = "exec sleep infinity";
    };

    systemd.services.ticker = {
      description = "Counts the timer's ticks";
      serviceConfig = { Type = "oneshot"; StateDirectory = "ticker"; };
      script = "date +%s >> /var/lib/ticker/ticks";
    };
    systemd.timers.ticker = {
      wantedBy = [ "timers.target" ];
      timerConfig = { OnActiveSec = "1s"; OnUnitActiveSec = "2s"; AccuracySec = "1s"; };
    };

    systemd.services.nightly = {
      description = "Runs at night";
      startAt = "*-*-* 03:00:00";
      script = "true";
    };

    systemd.tmpfiles.rules = [
      "d /var/lib/demo 0750 root root - -"
      "f /var/lib/demo/hello 0644 root root - made-by-tmpfiles"
      "L+ /run/demo-link - - - - /etc/hostname"
    ];
  };
  testScript = ''
    machine: wait_for_unit multi-user.target
    # script, path, environment and serviceConfig (a dynamic user, a runtime directory).
    machine: wait_for_unit greeter.service
    machine: succeed grep -qx 'hello from the environment' /run/greeter/greeting
    machine: succeed test "$(cat /run/greeter/uid)" -ge 61184
    machine: succeed systemctl show greeter.service -p Environment | grep -q 'GREETING=hello from the environment'
    # Restart=always brings a killed service back with a new process.
    machine: wait_for_unit sleeper.service
    machine: succeed systemctl show -p MainPID --value sleeper.service > /tmp/first-pid
    machine: succeed systemctl kill --signal=KILL sleeper.service
    machine: wait_until_succeeds --timeout 60 systemctl is-active sleeper.service && test "$(systemctl show -p MainPID --value sleeper.service)" != "$(cat /tmp/first-pid)" && test "$(systemctl show -p MainPID --value sleeper.service)" != 0
    # The timer fires again and again.
    machine: wait_for_unit ticker.timer
    machine: wait_until_succeeds --timeout 120 test "$(wc -l < /var/lib/ticker/ticks)" -ge 3
    # startAt makes a timer of the service's name.
    machine: wait_for_unit nightly.timer
    machine: succeed systemctl show -p TimersCalendar --value nightly.timer | grep -q '03:00:00'
    # tmpfiles rules.
    machine: succeed test "$(stat -c '%a %U %G' /var/lib/demo)" = "750 root root"
    machine: succeed grep -qx made-by-tmpfiles /var/lib/demo/hello
    machine: succeed test "$(readlink /run/demo-link)" = /etc/hostname
  '';
}
