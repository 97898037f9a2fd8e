# A stateful packet filter with nftables: incoming connections are dropped unless they
# belong to an established connection, come from loopback, are ICMP echo (optional), or
# reach an allowed port.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.networking.firewall;

  portList = description: mkOption {
    type = types.listOf types.port;
    default = [ ];
    example = [ 22 80 443 ];
    inherit description;
  };
  rangeList = description: mkOption {
    type = types.listOf (types.submodule {
      options.from = mkOption { type = types.port; description = "The first port."; };
      options.to = mkOption { type = types.port; description = "The last port."; };
    });
    default = [ ];
    example = [{ from = 8000; to = 8010; }];
    inherit description;
  };

  portSet = ports: ranges:
    lib.concatStringsSep ", " (map toString (lib.unique ports)
      ++ map (r: "${toString r.from}-${toString r.to}") ranges);

  ruleset = ''
    # Created by sysrebuild from networking.firewall.
    table inet sysrebuild-fw
    delete table inet sysrebuild-fw
    table inet sysrebuild-fw {
      chain input {
        type filter hook input priority filter; policy drop;
        ct state { established, related } accept
        ct state invalid drop
        iifname "lo" accept
        ${lib.concatMapStrings (i: "iifname ${builtins.toJSON i} accept\n    ") cfg.trustedInterfaces}
        ${lib.optionalString cfg.allowPing "icmp type echo-request accept"}
        icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert, nd-router-solicit, echo-request, mld-listener-query } accept
        ${lib.optionalString (cfg.allowedTCPPorts != [ ] || cfg.allowedTCPPortRanges != [ ])
          "tcp dport { ${portSet cfg.allowedTCPPorts cfg.allowedTCPPortRanges} } accept"}
        ${lib.optionalString (cfg.allowedUDPPorts != [ ] || cfg.allowedUDPPortRanges != [ ])
          "udp dport { ${portSet cfg.allowedUDPPorts cfg.allowedUDPPortRanges} } accept"}
        udp sport 67 udp dport 68 accept
        udp sport 547 udp dport 546 accept
        ${lib.optionalString cfg.rejectPackets "meta l4proto tcp reject with tcp reset\n    reject"}
      }
    }
  '';
in
{
  options.networking.firewall = {
    enable = mkOption {
      type = types.bool;
      default = true;
      description = "Whether incoming connections are filtered.";
    };
    package = lib.mkPackageOption pkgs "nftables" { };
    allowedTCPPorts = portList "TCP ports open to everyone.";
    allowedUDPPorts = portList "UDP ports open to everyone.";
    allowedTCPPortRanges = rangeList "Ranges of TCP ports open to everyone.";
    allowedUDPPortRanges = rangeList "Ranges of UDP ports open to everyone.";
    allowPing = mkOption {
      type = types.bool;
      default = true;
      description = "Whether ICMP echo requests (ping) are answered.";
    };
    rejectPackets = mkOption {
      type = types.bool;
      default = false;
      description = "Whether refused packets are rejected (answered) instead of dropped.";
    };
    trustedInterfaces = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "enp0s2" ];
      description = "Interfaces on which everything is accepted.";
    };
    ruleset = mkOption {
      type = types.str;
      readOnly = true;
      description = "The generated nftables ruleset (read only).";
    };
  };

  config = lib.mkMerge [
    { networking.firewall.ruleset = ruleset; }
    (lib.mkIf cfg.enable {
      environment.systemPackages = [ cfg.package ];
      environment.etc."nftables/sysrebuild-firewall.nft".text = ruleset;
      systemd.services.firewall = {
        description = "Firewall (nftables)";
        wantedBy = [ "sysinit.target" ];
        wants = [ "network-pre.target" ];
        before = [ "network-pre.target" ];
        after = [ "systemd-modules-load.service" ];
        unitConfig.DefaultDependencies = false;
        reloadIfChanged = true;
        restartTriggers = [ ruleset ];
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          ExecStart = "${cfg.package}/usr/sbin/nft -f /etc/nftables/sysrebuild-firewall.nft";
          ExecReload = "${cfg.package}/usr/sbin/nft -f /etc/nftables/sysrebuild-firewall.nft";
          ExecStop = "${cfg.package}/usr/sbin/nft delete table inet sysrebuild-fw";
        };
      };
    })
  ];
}
