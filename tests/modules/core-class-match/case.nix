let lib = import <sysrebuild/lib>; in (lib.evalModules { class = "nixos"; modules = [ { _class = "nixos"; options.a = lib.mkOption { default = 1; }; } ]; }).config
