# builtins.path copies to store with a name
builtins.path { path = ./../_lib/data.txt; name = "renamed"; }
