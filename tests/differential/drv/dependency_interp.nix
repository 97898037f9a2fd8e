# dependency via interpolation in args
let a = derivation { name = "tool"; system = "x86_64-linux"; builder = "/bin/sh"; }; in derivation { name = "user"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "${a}/bin/tool > $out" ]; }
