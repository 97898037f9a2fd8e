let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.p = lib.mkPackageOption { hello = { type = "derivation"; name = "hello"; }; } "hello" { }; } ]; }).config
