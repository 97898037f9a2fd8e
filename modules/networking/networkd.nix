# Network configuration with systemd-networkd: DHCP or static addresses per interface,
# a default gateway and name servers (systemd-resolved).
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.networking;

  addressModule = { ... }: {
    options = {
      address = mkOption { type = types.str; description = "The address."; };
      prefixLength = mkOption { type = types.ints.between 0 128; description = "The prefix length."; };
    };
  };

  interfaceModule = { name, ... }: {
    options = {
      name = mkOption { type = types.str; default = name; description = "The interface's name."; };
      useDHCP = mkOption {
        type = types.nullOr types.bool;
        default = null;
        description = "Whether to use DHCP on it (`null`: {option}`networking.useDHCP`).";
      };
      ipv4.addresses = mkOption {
        type = types.listOf (types.submodule addressModule);
        default = [ ];
        example = [{ address = "10.0.0.2"; prefixLength = 24; }];
        description = "Static IPv4 addresses.";
      };
      ipv6.addresses = mkOption {
        type = types.listOf (types.submodule addressModule);
        default = [ ];
        description = "Static IPv6 addresses.";
      };
    };
  };

  gatewayType = types.nullOr (types.coercedTo types.str (address: { inherit address; })
    (types.submodule {
      options.address = mkOption { type = types.str; description = "The gateway's address."; };
      options.interface = mkOption { type = types.nullOr types.str; default = null; description = "The interface it is reached on."; };
    }));

  networkFile = i:
    let
      dhcp = if i.useDHCP != null then i.useDHCP
        else cfg.useDHCP && i.ipv4.addresses == [ ] && i.ipv6.addresses == [ ];
      gw = cfg.defaultGateway;
      gwHere = gw != null && (gw.interface == null || gw.interface == i.name);
    in
    ''
      [Match]
      Name=${i.name}

      [Network]
      DHCP=${if dhcp then "yes" else "no"}
    '' + lib.concatMapStrings (a: "Address=${a.address}/${toString a.prefixLength}\n")
      (i.ipv4.addresses ++ i.ipv6.addresses)
    + lib.optionalString gwHere "Gateway=${gw.address}\n"
    + lib.concatMapStrings (n: "DNS=${n}\n") cfg.nameservers;
in
{
  options.networking = {
    useDHCP = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether interfaces without static addresses get their address by DHCP (every
        Ethernet interface when none is declared).
      '';
    };
    interfaces = mkOption {
      type = types.attrsOf (types.submodule interfaceModule);
      default = { };
      example = { eth0.ipv4.addresses = [{ address = "192.168.1.2"; prefixLength = 24; }]; };
      description = "Network interfaces by name.";
    };
    defaultGateway = mkOption {
      type = gatewayType;
      default = null;
      example = "192.168.1.1";
      description = "The default IPv4 gateway.";
    };
    nameservers = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "9.9.9.9" ];
      description = "DNS servers.";
    };
    networkd.enable = mkOption {
      type = types.bool;
      default = true;
      description = "Whether systemd-networkd configures the network.";
    };
  };

  config = lib.mkIf cfg.networkd.enable {
    environment.etc = lib.mapAttrs' (name: i:
      lib.nameValuePair "systemd/network/40-${name}.network" { text = networkFile i; })
      cfg.interfaces
    // lib.optionalAttrs (cfg.interfaces == { } && cfg.useDHCP) {
      "systemd/network/99-ethernet-default-dhcp.network".text = ''
        [Match]
        Type=ether
        Kind=!*

        [Network]
        DHCP=yes
      '' + lib.concatMapStrings (n: "DNS=${n}\n") cfg.nameservers;
    };

    systemd.services.systemd-networkd.wantedBy = [ "multi-user.target" ];
    systemd.services.systemd-resolved.wantedBy = [ "multi-user.target" ];
    systemd.sockets.systemd-networkd.wantedBy = [ "sockets.target" ];
    users.users.systemd-network = { uid = 192; group = "systemd-network"; isSystemUser = true; };
    users.groups.systemd-network.gid = 192;
    users.users.systemd-resolve = { uid = 193; group = "systemd-resolve"; isSystemUser = true; };
    users.groups.systemd-resolve.gid = 193;
  };
}
