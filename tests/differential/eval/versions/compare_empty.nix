# empty versions
[ (builtins.compareVersions "" "") (builtins.compareVersions "" "1") (builtins.compareVersions "1" "") ]
