# N values of an `attrsOf (submodule { 2 options })` option: one module evaluation each
# (the cost of every `users.users.<name>` or `systemd.services.<name>`).
{ n ? 20000 }:
let lib = import <sysrebuild/lib>; inherit (lib) types mkOption; in
(lib.evalModules { modules = [
  { options.x = mkOption { type = types.attrsOf (types.submodule { options.value = mkOption { type = types.int; default = 0; }; options.label = mkOption { type = types.str; default = "x"; }; }); }; }
  { x = builtins.listToAttrs (builtins.genList (i: { name = "i${toString i}"; value = { value = i; }; }) n); }
]; }).config
