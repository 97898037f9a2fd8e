{ lib, ... }: { options.s = lib.mkOption { type = lib.types.submodule ./inner.nix; }; config.s.x = 9; }
