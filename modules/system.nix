# What `sysrebuild build -f CONFIG`, `dry-build` and `build-vm` evaluate:
#
#   import <sysrebuild/modules/system.nix> { configuration = ./configuration.nix; vm = true; }
#
# `checks` is JSON (`failedAssertions`, `warnings`), read by the command before it builds
# so that every failed assertion and warning is shown; `toplevel` is the system;
# `vm` is `system.build.vm` (only with `vm = true`, which adds the QEMU options of
# `virtualisation/qemu-vm.nix`, as NixOS's `vmVariant` does).
{ configuration, vm ? false }:
let
  eval = import ./eval-config.nix {
    modules = [ configuration ] ++ (if vm then [ ./virtualisation/qemu-vm.nix ] else [ ]);
  };
  config = eval.config;
in
{
  inherit config;
  checks = builtins.toJSON {
    failedAssertions = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
    inherit (config) warnings;
  };
  toplevel = config.system.build.toplevel;
  vm = config.system.build.vm;
}
