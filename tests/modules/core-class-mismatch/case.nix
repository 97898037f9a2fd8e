let lib = import <sysrebuild/lib>; in (lib.evalModules { class = "nixos"; modules = [ { _class = "darwin"; } ]; }).config
