# The host's name and the static host table (/etc/hostname, /etc/hosts).
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.networking;
  hostsLines = lib.concatStringsSep "\n"
    (lib.mapAttrsToList (ip: names: "${ip} ${lib.concatStringsSep " " names}")
      (lib.filterAttrs (_: names: names != [ ]) cfg.hosts));
in
{
  options.networking.hostName = mkOption {
    # RFC 1123 labels: letters, digits and hyphens, not starting or ending with a hyphen.
    type = types.strMatching "^$|^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$";
    default = "sysrebuild";
    example = "web-01";
    description = ''
      The host name (one label, no dots: set the domain with
      {option}`networking.domain`). Empty lets DHCP or the kernel choose.
    '';
  };

  options.networking.domain = mkOption {
    type = types.nullOr types.str;
    default = null;
    example = "example.org";
    description = "The DNS domain; the host's fully qualified name is `hostName.domain`.";
  };

  options.networking.fqdn = mkOption {
    type = types.str;
    readOnly = true;
    description = "The fully qualified host name (read only).";
  };

  options.networking.hosts = mkOption {
    type = types.attrsOf (types.listOf types.str);
    example = { "192.168.0.2" = [ "fileserver.local" "nameserver.local" ]; };
    description = "Static host names by IP address, written to /etc/hosts.";
  };

  options.networking.extraHosts = mkOption {
    type = types.lines;
    default = "";
    example = "192.168.0.1 lanlocalhost";
    description = "Lines appended to /etc/hosts.";
  };

  config = {
    system.name = lib.mkDefault (if cfg.hostName == "" then "unnamed" else cfg.hostName);
    networking.fqdn =
      if cfg.domain != null then "${cfg.hostName}.${cfg.domain}" else cfg.hostName;

    networking.hosts = {
      "127.0.0.1" = [ "localhost" ];
      "::1" = [ "localhost" ];
      "127.0.0.2" = lib.optionals (cfg.hostName != "")
        ((lib.optional (cfg.domain != null) cfg.fqdn) ++ [ cfg.hostName ]);
    };

    environment.etc.hostname = lib.mkIf (cfg.hostName != "") {
      text = cfg.hostName + "\n";
    };
    environment.etc.hosts.text = hostsLines + "\n"
      + lib.optionalString (cfg.extraHosts != "") (cfg.extraHosts + "\n");

    assertions = [{
      assertion = cfg.domain == null || cfg.hostName != "";
      message = "networking.domain is set but networking.hostName is empty.";
    }];
  };
}
