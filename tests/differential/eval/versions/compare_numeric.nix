# numeric comparison not lexicographic
[ (builtins.compareVersions "1.10" "1.9") (builtins.compareVersions "1.01" "1.1") (builtins.compareVersions "1.0.0" "1.0") ]
