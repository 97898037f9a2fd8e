# long versions
builtins.compareVersions "2.8.0.20220101" "2.8.0.20211231"
