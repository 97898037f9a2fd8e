# match empty pattern on empty string
[ (builtins.match "" "") (builtins.match "" "a") (builtins.match "a*" "") ]
