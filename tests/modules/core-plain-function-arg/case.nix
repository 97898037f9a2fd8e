let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ (args: { options.a = args.lib.mkOption { default = builtins.length (builtins.attrNames args); }; }) ]; }).config
