# Users and groups. They are declared here and created by activation from
# `system.build.usersGroups` (a JSON description): ids are kept stable across
# generations, and with `users.mutableUsers = false` the declared set is all there is.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.users;

  userModule = { name, config, ... }: {
    options = {
      name = mkOption {
        type = types.passwdEntry types.str;
        default = name;
        description = "The user's name (the attribute name by default).";
      };
      uid = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "The user id; `null` lets activation choose a free one (and keep it).";
      };
      isNormalUser = mkOption {
        type = types.bool;
        default = false;
        description = ''
          A person: uid from 1000, group `users`, a home below /home created on
          activation, the default shell.
        '';
      };
      isSystemUser = mkOption {
        type = types.bool;
        default = false;
        description = "A service account: uid below 1000, no home by default.";
      };
      group = mkOption {
        type = types.str;
        default = "";
        description = "The primary group.";
      };
      extraGroups = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "wheel" ];
        description = "Further groups of the user.";
      };
      description = mkOption {
        type = types.passwdEntry types.str;
        default = "";
        example = "Alice Q. User";
        description = "The GECOS field (the full name).";
      };
      home = mkOption {
        type = types.passwdEntry types.path;
        default = "/var/empty";
        description = "The home directory.";
      };
      createHome = mkOption {
        type = types.bool;
        default = false;
        description = "Whether activation creates the home directory (owned by the user).";
      };
      shell = mkOption {
        type = types.nullOr (types.either types.shellPackage (types.passwdEntry types.path));
        default = "/usr/sbin/nologin";
        example = lib.literalExpression "pkgs.bash";
        description = "The login shell: a package (its `bin/NAME`) or a path.";
      };
      hashedPassword = mkOption {
        type = types.nullOr (types.passwdEntry types.str);
        default = null;
        description = "The password as crypt(3) hash (`mkpasswd`); `!` locks the account.";
      };
      hashedPasswordFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "A file (outside the store) holding the hashed password.";
      };
      initialPassword = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = ''
          A clear-text password set when the user is created (world-readable in the
          store: change it after the first login).
        '';
      };
      openssh.authorizedKeys.keys = mkOption {
        type = types.listOf types.singleLineStr;
        default = [ ];
        description = "Public keys allowed to log in as the user over SSH.";
      };
      packages = mkOption {
        type = types.listOf types.package;
        default = [ ];
        description = "Packages installed for this user (in /etc/profiles/per-user/NAME).";
      };
    };
    config = lib.mkIf config.isNormalUser {
      group = lib.mkDefault "users";
      home = lib.mkDefault "/home/${config.name}";
      createHome = lib.mkDefault true;
      shell = lib.mkDefault cfg.defaultUserShell;
    };
  };

  groupModule = { name, ... }: {
    options = {
      name = mkOption {
        type = types.passwdEntry types.str;
        default = name;
        description = "The group's name (the attribute name by default).";
      };
      gid = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "The group id; `null` lets activation choose a free one.";
      };
      members = mkOption {
        type = types.listOf (types.passwdEntry types.str);
        default = [ ];
        description = "Users in this group besides those naming it in `extraGroups`.";
      };
    };
  };

  users = lib.attrValues cfg.users;
  groups = lib.attrValues cfg.groups;
  shellPath = s:
    if s == null then "/usr/sbin/nologin"
    else if lib.isDerivation s then
      (if s ? shellPath then "${s}${s.shellPath}" else "${s}/bin/${s.pname or "sh"}")
    else toString s;

  withIds = key: items:
    lib.filter (x: x.${key} != null) items;
  duplicatesBy = key: items:
    let ids = map (x: x.${key}) items;
    in lib.unique (lib.filter (i: lib.count (x: x == i) ids > 1) ids);

  spec = {
    mutableUsers = cfg.mutableUsers;
    users = map (u: {
      inherit (u) name uid isSystemUser description home createHome hashedPassword
        hashedPasswordFile initialPassword;
      isNormalUser = u.isNormalUser;
      group = u.group;
      shell = shellPath u.shell;
      extraGroups = u.extraGroups;
      authorizedKeys = u.openssh.authorizedKeys.keys;
    }) users;
    groups = map (g: {
      inherit (g) name gid;
      members = lib.unique (g.members
        ++ map (u: u.name) (lib.filter (u: lib.elem g.name u.extraGroups) users));
    }) groups;
  };
in
{
  options.users = {
    users = mkOption {
      type = types.attrsOf (types.submodule userModule);
      default = { };
      example = lib.literalExpression ''
        { alice = { isNormalUser = true; extraGroups = [ "wheel" ]; }; }
      '';
      description = "The users of the system.";
    };
    groups = mkOption {
      type = types.attrsOf (types.submodule groupModule);
      default = { };
      description = "The groups of the system.";
    };
    mutableUsers = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether users and groups can also be changed at run time (`useradd`, `passwd`).
        When false, activation makes /etc/passwd, /etc/group and /etc/shadow exactly
        what is declared.
      '';
    };
    defaultUserShell = mkOption {
      type = types.either types.shellPackage types.path;
      default = "/usr/bin/bash";
      description = "The shell of normal users who do not set one.";
    };
  };

  config = {
    users.users.root = {
      uid = 0;
      group = "root";
      home = "/root";
      createHome = true;
      description = "System administrator";
      shell = lib.mkDefault cfg.defaultUserShell;
    };
    users.users.nobody = {
      uid = 65534;
      group = "nogroup";
      isSystemUser = true;
      description = "Unprivileged account";
    };
    users.groups = {
      root.gid = 0;
      wheel.gid = 1;
      tty.gid = 5;
      disk.gid = 6;
      users.gid = 100;
      systemd-journal.gid = 190;
      nogroup.gid = 65534;
    };

    assertions =
      map (u: {
        assertion = u.isNormalUser || u.isSystemUser || u.uid != null;
        message = "users.users.${u.name}: exactly one of isNormalUser and isSystemUser must be set (or a uid given).";
      }) users
      ++ map (u: {
        assertion = !(u.isNormalUser && u.isSystemUser);
        message = "users.users.${u.name}: isNormalUser and isSystemUser are mutually exclusive.";
      }) users
      ++ map (u: {
        assertion = u.group != "";
        message = "users.users.${u.name}.group is unset: give the user a primary group.";
      }) users
      ++ map (u: {
        assertion = u.group == "" || cfg.groups ? ${u.group};
        message = "users.users.${u.name}.group is '${u.group}', but no group of that name is declared in users.groups.";
      }) users
      ++ map (id: {
        assertion = false;
        message = "users.users: the uid ${toString id} is used by several users.";
      }) (duplicatesBy "uid" (withIds "uid" users))
      ++ map (id: {
        assertion = false;
        message = "users.groups: the gid ${toString id} is used by several groups.";
      }) (duplicatesBy "gid" (withIds "gid" groups));

    system.build.usersGroups = pkgs.writeText "users-groups.json" (builtins.toJSON spec);
  };
}
