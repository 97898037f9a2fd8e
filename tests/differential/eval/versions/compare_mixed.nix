# numbers vs strings
[ (builtins.compareVersions "1.2" "1.a") (builtins.compareVersions "1.pre" "1.0") ]
