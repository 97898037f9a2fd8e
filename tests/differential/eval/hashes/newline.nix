# hash with newlines
builtins.hashString "md5" "a\nb\n"
