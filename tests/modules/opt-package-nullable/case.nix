let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.p = lib.mkPackageOption { } "hello" { nullable = true; default = null; }; } ]; }).config
