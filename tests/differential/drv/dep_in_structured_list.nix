# structured attrs with drv in a list
let a = derivation { name = "sl-a"; system = "x86_64-linux"; builder = "/bin/sh"; }; in derivation { name = "sl"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; deps = [ a ]; }
