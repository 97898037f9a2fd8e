# `assertions` and `warnings`: checks any module can add. A system with a failed assertion
# does not build; `sysrebuild build` lists every failed message and prints the warnings.
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.assertions = mkOption {
    type = types.listOf (types.submodule {
      options.assertion = mkOption {
        type = types.bool;
        description = "Whether the condition holds.";
      };
      options.message = mkOption {
        type = types.str;
        description = "What to tell the user when it does not.";
      };
    });
    default = [ ];
    internal = true;
    example = [{ assertion = false; message = "you can't enable this for that reason"; }];
    description = ''
      Conditions the configuration must satisfy. Building a system stops with every
      failed assertion's message.
    '';
  };

  options.warnings = mkOption {
    type = types.listOf types.str;
    default = [ ];
    internal = true;
    example = [ "the `foo' option is deprecated" ];
    description = "Messages printed when the system is built.";
  };
}
