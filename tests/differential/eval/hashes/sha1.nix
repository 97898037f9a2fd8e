# hashString sha1
builtins.hashString "sha1" "hello"
