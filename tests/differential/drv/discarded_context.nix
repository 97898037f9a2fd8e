# discarded context adds no input
let a = derivation { name = "dc"; system = "x86_64-linux"; builder = "/bin/sh"; }; in derivation { name = "usedc"; system = "x86_64-linux"; builder = "/bin/sh"; d = builtins.unsafeDiscardStringContext "${a}"; }
