# alphabetic components
[ (builtins.compareVersions "1.a" "1.b") (builtins.compareVersions "1a" "1") (builtins.compareVersions "1.0a" "1.0.1") ]
