# systemd units in NixOS's shape: `systemd.services`, `timers`, `sockets`, `targets`,
# `paths` and raw `systemd.units`, rendered into `etc/systemd/system` of the system
# (`system.build.units`). Units that packages ship live in the system's
# /usr/lib/systemd/system; a definition for one of those becomes a drop-in.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  slib = import ./systemd-lib.nix { inherit lib; };
  inherit (slib) section commonOptions unitSection unitSettings unitText;
  cfg = config.systemd;

  lines = description: mkOption { type = types.lines; default = ""; inherit description; };

  # A shell script for one step of a service, run by bash with `set -e`, as NixOS's are.
  # (Not `writeShellScript`: its busybox sh, made for the build sandbox, would run its own
  # applets in place of the system's programs, `ls` or `poweroff`, whatever PATH says.)
  makeScript = name: text: pkgs.writeTextFile {
    inherit name;
    executable = true;
    text = ''
      #!${pkgs.bash}/bin/bash
      set -e
      ${text}
    '';
  };

  # Where a package's programs are: Debian packages install below usr/.
  binDirs = p: [ "${p}/bin" "${p}/sbin" "${p}/usr/bin" "${p}/usr/sbin" ];

  serviceModule = { name, config, ... }: {
    options = commonOptions // {
      environment = mkOption {
        type = types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ]));
        default = { };
        example = { TZ = "CET"; };
        description = "Environment variables of the service's processes.";
      };
      path = mkOption {
        type = types.listOf (types.either types.package types.str);
        default = [ ];
        description = ''
          Packages whose `bin`/`sbin` (and `usr/bin`/`usr/sbin`) directories are put in
          front of the service's `PATH`.
        '';
      };
      serviceConfig = mkOption {
        type = unitSettings;
        default = { };
        example = { Type = "oneshot"; User = "nobody"; };
        description = "Settings of the `[Service]` section.";
      };
      script = lines "The service's main program, as bash commands run with `set -e` (`ExecStart=`).";
      scriptArgs = mkOption {
        type = types.str;
        default = "";
        description = "Arguments given to {option}`script`.";
      };
      preStart = lines "Shell commands run before the main program (`ExecStartPre=`).";
      postStart = lines "Shell commands run after the main program started (`ExecStartPost=`).";
      reload = lines "Shell commands that reload the service (`ExecReload=`).";
      preStop = lines "Shell commands run to stop the service (`ExecStop=`).";
      postStop = lines "Shell commands run after the service stopped (`ExecStopPost=`).";
      startAt = mkOption {
        type = types.either types.str (types.listOf types.str);
        default = [ ];
        example = "*-*-* 03:00:00";
        description = ''
          When to start the service, in `systemd.time(7)` calendar syntax: makes a timer
          of the same name.
        '';
      };
      startLimitBurst = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "`StartLimitBurst=` of the `[Unit]` section.";
      };
      startLimitIntervalSec = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "`StartLimitIntervalSec=` of the `[Unit]` section.";
      };
      restartIfChanged = mkOption {
        type = types.bool;
        default = true;
        description = "Whether a changed unit is restarted on switch.";
      };
      reloadIfChanged = mkOption {
        type = types.bool;
        default = false;
        description = "Whether a changed unit is reloaded (not restarted) on switch.";
      };
      stopIfChanged = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Whether a changed unit is stopped with the old definition and started with the
          new one (true), or restarted in one step once the new one is in place (false).
        '';
      };
    };
    config = {
      environment.PATH = lib.mkDefault (lib.concatStringsSep ":"
        (lib.concatMap binDirs config.path ++ [ "/usr/bin" "/usr/sbin" ]));
    };
  };

  timerModule = { ... }: {
    options = commonOptions // {
      timerConfig = mkOption {
        type = unitSettings;
        default = { };
        example = { OnCalendar = "daily"; Persistent = true; };
        description = "Settings of the `[Timer]` section.";
      };
    };
  };

  socketModule = { ... }: {
    options = commonOptions // {
      listenStreams = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "0.0.0.0:993" "/run/my-socket" ];
        description = "`ListenStream=` addresses.";
      };
      listenDatagrams = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "`ListenDatagram=` addresses.";
      };
      socketConfig = mkOption {
        type = unitSettings;
        default = { };
        description = "Settings of the `[Socket]` section.";
      };
    };
  };

  pathModule = { ... }: {
    options = commonOptions // {
      pathConfig = mkOption {
        type = unitSettings;
        default = { };
        example = { PathChanged = "/etc/foo"; };
        description = "Settings of the `[Path]` section.";
      };
    };
  };

  targetModule = { ... }: { options = commonOptions; };

  unitModule = { name, ... }: {
    options = {
      enable = commonOptions.enable;
      text = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The unit file's text.";
      };
      wantedBy = commonOptions.wantedBy;
      requiredBy = commonOptions.requiredBy;
      upheldBy = commonOptions.upheldBy;
      overrideStrategy = commonOptions.overrideStrategy;
    };
  };

  serviceText = name: def:
    let
      step = suffix: text: if text == "" then null else "${makeScript "${name}-${suffix}" text}";
    in
    unitText [
      (unitSection name (def // {
        unitConfig = slib.dropEmpty ({
          StartLimitBurst = def.startLimitBurst;
          StartLimitIntervalSec = def.startLimitIntervalSec;
          X-RestartIfChanged = if def.restartIfChanged then null else false;
          X-ReloadIfChanged = if def.reloadIfChanged then true else null;
          X-StopIfChanged = if def.stopIfChanged then null else false;
        } // def.unitConfig);
      }))
      (section "Service" ({
        Environment = lib.mapAttrsToList slib.environmentLine
          (lib.filterAttrs (_: v: v != null) def.environment);
        ExecStart = if def.script == "" then null
          else "${step "start" def.script}" + lib.optionalString (def.scriptArgs != "") " ${def.scriptArgs}";
        ExecStartPre = step "pre-start" def.preStart;
        ExecStartPost = step "post-start" def.postStart;
        ExecReload = step "reload" def.reload;
        ExecStop = step "pre-stop" def.preStop;
        ExecStopPost = step "post-stop" def.postStop;
      } // def.serviceConfig))
    ];

  plainText = settingsName: settings: name: def:
    unitText [ (unitSection name def) (section settingsName settings) ];

  # `systemd.units` entries of one kind of unit.
  unitsOf = suffix: render: defs:
    lib.mapAttrs' (name: def: lib.nameValuePair "${name}.${suffix}" {
      inherit (def) enable wantedBy requiredBy upheldBy overrideStrategy;
      text = render name def;
    }) defs;

  timersFromStartAt = lib.mapAttrs (name: def: {
    wantedBy = [ "timers.target" ];
    timerConfig.OnCalendar = def.startAt;
  }) (lib.filterAttrs (_: def: def.enable && def.startAt != [ ]) cfg.services);

  enabledUnits = lib.filterAttrs (_: u: u.enable && u.text != null) cfg.units;

  q = lib.escapeShellArg;
  installUnit = name: u: ''
    install_unit ${q name} ${q "${pkgs.writeText (lib.replaceStrings [ "@" "\\" ] [ "-" "-" ] name) u.text}"} ${q u.overrideStrategy}
  '' + lib.concatMapStrings (t: "link_unit ${q t}.wants ${q name}\n") u.wantedBy
    + lib.concatMapStrings (t: "link_unit ${q t}.requires ${q name}\n") u.requiredBy
    + lib.concatMapStrings (t: "link_unit ${q t}.upholds ${q name}\n") u.upheldBy;
in
{
  options.systemd = {
    package = mkOption {
      type = types.package;
      default = pkgs.systemd;
      defaultText = lib.literalExpression "pkgs.systemd";
      description = "The systemd package.";
    };
    packages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = ''
        Packages whose units (`lib/systemd/system`) are part of the system; definitions
        in {option}`systemd.services` etc. of units they ship become drop-ins.
      '';
    };
    suppressedSystemUnits = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "systemd-firstboot.service" ];
      description = ''
        Units the packages ship that must never run: they are masked (linked to
        /dev/null in /etc/systemd/system).
      '';
    };
    units = mkOption {
      type = types.attrsOf (types.submodule unitModule);
      default = { };
      description = "Unit files by full name (`foo.service`); the other options fill it.";
    };
    services = mkOption {
      type = types.attrsOf (types.submodule serviceModule);
      default = { };
      description = "Services, by name without `.service`.";
    };
    timers = mkOption {
      type = types.attrsOf (types.submodule timerModule);
      default = { };
      description = "Timers, by name without `.timer`.";
    };
    sockets = mkOption {
      type = types.attrsOf (types.submodule socketModule);
      default = { };
      description = "Sockets, by name without `.socket`.";
    };
    paths = mkOption {
      type = types.attrsOf (types.submodule pathModule);
      default = { };
      description = "Path units, by name without `.path`.";
    };
    targets = mkOption {
      type = types.attrsOf (types.submodule targetModule);
      default = { };
      description = "Targets, by name without `.target`.";
    };
  };

  config = {
    systemd.packages = [ cfg.package ];
    # The system is configured by its configuration, never interactively; the
    # generation's /etc is read-only anyway.
    systemd.suppressedSystemUnits = [ "systemd-firstboot.service" ];
    systemd.timers = timersFromStartAt;

    systemd.units = unitsOf "service" serviceText cfg.services
      // unitsOf "timer" (name: def: plainText "Timer" def.timerConfig name def) cfg.timers
      // unitsOf "socket" (name: def: plainText "Socket" ({
           ListenStream = def.listenStreams;
           ListenDatagram = def.listenDatagrams;
         } // def.socketConfig) name def) cfg.sockets
      // unitsOf "path" (name: def: plainText "Path" def.pathConfig name def) cfg.paths
      // unitsOf "target" (name: def: unitText [ (unitSection name def) ]) cfg.targets;

    system.build.units = pkgs.runCommand "system-units" {
      preferLocalBuild = true;
      packages = cfg.packages;
    } ''
      set -e
      mkdir -p "$out"
      shipped() {
        for p in $packages; do
          for d in lib/systemd/system usr/lib/systemd/system etc/systemd/system; do
            [ -e "$p/$d/$1" ] && return 0
          done
        done
        return 1
      }
      install_unit() {
        name="$1"; file="$2"; strategy="$3"
        if [ "$strategy" = asDropin ] || shipped "$name"; then
          mkdir -p "$out/$name.d"
          ln -s "$file" "$out/$name.d/overrides.conf"
        else
          ln -s "$file" "$out/$name"
        fi
      }
      link_unit() {
        mkdir -p "$out/$1"
        if [ -e "$out/$2" ]; then
          ln -sfn "../$2" "$out/$1/$2"
        else
          ln -sfn "/usr/lib/systemd/system/$2" "$out/$1/$2"
        fi
      }
      ${lib.concatStrings (lib.mapAttrsToList installUnit enabledUnits)}
      ${lib.concatMapStrings (u: "ln -sfn /dev/null \"$out\"/${q u}\n") cfg.suppressedSystemUnits}
    '';

    environment.etc."systemd/system".source = config.system.build.units;
  };
}
