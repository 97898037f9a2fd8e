# all outputs listed as attrs
let m = derivation { name = "mo"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; }; in [ m m.dev m.out ]
