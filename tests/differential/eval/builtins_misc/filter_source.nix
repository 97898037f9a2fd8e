# filterSource copies a filtered dir
builtins.filterSource (path: type: baseNameOf path != "default.nix") ./../_lib/dir
