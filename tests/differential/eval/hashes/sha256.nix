# hashString sha256
builtins.hashString "sha256" "hello"
