# nginx with virtual hosts: static roots, index files and reverse proxies per location.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.services.nginx;

  locationModule = { ... }: {
    options = {
      root = mkOption { type = types.nullOr types.path; default = null; description = "The root of this location."; };
      alias = mkOption { type = types.nullOr types.path; default = null; description = "`alias` of this location."; };
      index = mkOption { type = types.nullOr types.str; default = null; example = "index.html"; description = "Index files."; };
      proxyPass = mkOption { type = types.nullOr types.str; default = null; example = "http://127.0.0.1:8080"; description = "Where requests are proxied to."; };
      return = mkOption { type = types.nullOr (types.either types.str types.int); default = null; example = "301 https://example.org$request_uri"; description = "A `return` directive."; };
      extraConfig = mkOption { type = types.lines; default = ""; description = "More directives of this location."; };
    };
  };

  vhostModule = { name, ... }: {
    options = {
      serverName = mkOption { type = types.str; default = name; description = "The `server_name` (the attribute name by default)."; };
      serverAliases = mkOption { type = types.listOf types.str; default = [ ]; description = "Further names."; };
      listen = mkOption {
        type = types.listOf (types.submodule {
          options.addr = mkOption { type = types.str; default = "0.0.0.0"; description = "The address."; };
          options.port = mkOption { type = types.port; default = 80; description = "The port."; };
        });
        default = [ { addr = "0.0.0.0"; port = 80; } { addr = "[::]"; port = 80; } ];
        description = "Where this virtual host listens.";
      };
      default = mkOption { type = types.bool; default = false; description = "Whether this is the default server of its addresses."; };
      root = mkOption { type = types.nullOr types.path; default = null; description = "The document root."; };
      locations = mkOption {
        type = types.attrsOf (types.submodule locationModule);
        default = { };
        example = { "/".proxyPass = "http://127.0.0.1:3000"; };
        description = "Locations by path.";
      };
      extraConfig = mkOption { type = types.lines; default = ""; description = "More directives of this server."; };
    };
  };

  optional = name: v: lib.optionalString (v != null) "${name} ${toString v};\n";
  locationText = path: l: ''
    location ${path} {
    ${optional "root" l.root}${optional "alias" l.alias}${optional "index" l.index}${
      optional "proxy_pass" l.proxyPass}${optional "return" l.return}${l.extraConfig}}
  '';
  vhostText = v: ''
    server {
    ${lib.concatMapStrings (a: "listen ${a.addr}:${toString a.port}${lib.optionalString v.default " default_server"};\n") v.listen}server_name ${lib.concatStringsSep " " ([ v.serverName ] ++ v.serverAliases)};
    ${optional "root" v.root}${lib.concatStrings (lib.mapAttrsToList locationText v.locations)}${v.extraConfig}}
  '';

  configFile = pkgs.writeText "nginx.conf" ''
    # Created by sysrebuild from services.nginx.
    user ${cfg.user} ${cfg.group};
    worker_processes auto;
    pid /run/nginx/nginx.pid;
    error_log stderr;
    events { worker_connections 1024; }
    http {
    # Debian ships mime.types in nginx-common.
    include ${pkgs.nginx-common}/etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    client_body_temp_path /var/cache/nginx/client_body;
    proxy_temp_path /var/cache/nginx/proxy;
    fastcgi_temp_path /var/cache/nginx/fastcgi;
    uwsgi_temp_path /var/cache/nginx/uwsgi;
    scgi_temp_path /var/cache/nginx/scgi;
    sendfile on;
    ${lib.concatStrings (lib.mapAttrsToList (_: vhostText) cfg.virtualHosts)}${cfg.appendHttpConfig}}
  '';
in
{
  options.services.nginx = {
    enable = lib.mkEnableOption "the nginx web server";
    package = lib.mkPackageOption pkgs "nginx" { };
    user = mkOption { type = types.str; default = "nginx"; description = "The user of the worker processes."; };
    group = mkOption { type = types.str; default = "nginx"; description = "Their group."; };
    virtualHosts = mkOption {
      type = types.attrsOf (types.submodule vhostModule);
      default = { };
      example = lib.literalExpression ''{ "example.org".root = "/var/www"; }'';
      description = "Virtual hosts by name.";
    };
    appendHttpConfig = mkOption { type = types.lines; default = ""; description = "Lines appended to the `http` block."; };
    configFile = mkOption { type = types.path; readOnly = true; description = "The generated nginx.conf (read only)."; };
  };

  config = lib.mkMerge [
    { services.nginx.configFile = configFile; }
    (lib.mkIf cfg.enable {
      environment.systemPackages = [ cfg.package ];
      users.users = lib.mkIf (cfg.user == "nginx") { nginx = { isSystemUser = true; group = cfg.group; }; };
      users.groups = lib.mkIf (cfg.group == "nginx") { nginx = { }; };
      systemd.tmpfiles.rules = [
        "d /var/log/nginx 0750 ${cfg.user} ${cfg.group} - -"
        "d /var/cache/nginx 0750 ${cfg.user} ${cfg.group} - -"
      ];
      systemd.services.nginx = {
        description = "nginx web server";
        wantedBy = [ "multi-user.target" ];
        after = [ "network.target" ];
        restartTriggers = [ configFile ];
        stopIfChanged = false;
        serviceConfig = {
          ExecStartPre = "${cfg.package}/usr/sbin/nginx -t -q -c ${configFile}";
          ExecStart = "${cfg.package}/usr/sbin/nginx -g 'daemon off;' -c ${configFile}";
          ExecReload = "${cfg.package}/usr/sbin/nginx -s reload -c ${configFile}";
          Restart = "always";
          RuntimeDirectory = "nginx";
        };
      };
    })
  ];
}
