# pre releases sort before
[ (builtins.compareVersions "1.0pre1" "1.0") (builtins.compareVersions "1.0" "1.0pre1") (builtins.compareVersions "1.0rc1" "1.0") ]
