# dashes as separators
[ (builtins.compareVersions "1-2" "1.2") (builtins.compareVersions "1.2-pre" "1.2") ]
