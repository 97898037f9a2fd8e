# listToAttrs with computed names
builtins.listToAttrs (map (n: { name = "k${toString n}"; value = n; }) [ 1 2 3 ])
