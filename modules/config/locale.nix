# Time zone, locale and console: /etc/localtime, /etc/locale.conf, /etc/vconsole.conf.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.time.timeZone = mkOption {
    type = types.nullOr (types.strMatching "^[A-Za-z0-9_+/-]+$");
    default = null;
    example = "Europe/Paris";
    description = ''
      The time zone (a name from the tz database). `null` leaves it to be set at run
      time (`timedatectl`); otherwise /etc/localtime points into the tzdata package.
    '';
  };

  options.i18n.defaultLocale = mkOption {
    type = types.str;
    default = "C.UTF-8";
    example = "fr_FR.UTF-8";
    description = "The default locale (`LANG`).";
  };

  options.i18n.extraLocaleSettings = mkOption {
    type = types.attrsOf types.str;
    default = { };
    example = { LC_TIME = "en_GB.UTF-8"; };
    description = "Further locale variables (`LC_*`) for /etc/locale.conf.";
  };

  options.console.keyMap = mkOption {
    type = types.str;
    default = "us";
    example = "fr";
    description = "The keyboard map of the virtual consoles.";
  };

  options.console.font = mkOption {
    type = types.nullOr types.str;
    default = null;
    example = "Lat2-Terminus16";
    description = "The font of the virtual consoles (`null`: the kernel's).";
  };

  config = {
    environment.etc."locale.conf".text = lib.concatStrings (lib.mapAttrsToList
      (name: value: "${name}=${value}\n")
      ({ LANG = config.i18n.defaultLocale; } // config.i18n.extraLocaleSettings));

    environment.etc."vconsole.conf".text = "KEYMAP=${config.console.keyMap}\n"
      + lib.optionalString (config.console.font != null) "FONT=${config.console.font}\n";

    environment.etc.localtime = lib.mkIf (config.time.timeZone != null) {
      source = "${pkgs.tzdata}/usr/share/zoneinfo/${config.time.timeZone}";
    };

    environment.etc.timezone = lib.mkIf (config.time.timeZone != null) {
      text = config.time.timeZone + "\n";
    };
  };
}
