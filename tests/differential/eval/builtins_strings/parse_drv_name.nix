# parseDrvName
map builtins.parseDrvName [ "hello-2.10" "nix-0.1pre1234" "a-b-c" "foo" "foo-bar-1.0-rc1" "x-1a" "-1" "" "java-1.8.0-openjdk" ]
