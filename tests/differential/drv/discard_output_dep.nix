# unsafeDiscardOutputDependency on drvPath
let a = derivation { name = "dod"; system = "x86_64-linux"; builder = "/bin/sh"; }; in derivation { name = "usedod"; system = "x86_64-linux"; builder = "/bin/sh"; d = builtins.unsafeDiscardOutputDependency a.drvPath; }
