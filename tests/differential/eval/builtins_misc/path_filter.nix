# builtins.path with filter and recursive
builtins.path { path = ./../_lib/dir; name = "d"; filter = p: t: true; }
