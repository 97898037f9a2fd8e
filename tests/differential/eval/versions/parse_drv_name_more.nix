# parseDrvName edge cases
map builtins.parseDrvName [ "firefox-bin-99.0" "python3.10-numpy-1.22" "name-" "a-1-2" ]
