# depending on two outputs of one drv
let m = derivation { name = "m2"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "bin" ]; }; in derivation { name = "both"; system = "x86_64-linux"; builder = "/bin/sh"; x = "${m.bin} ${m.out}"; }
