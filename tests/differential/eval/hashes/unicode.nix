# hash of unicode string (bytes)
builtins.hashString "sha256" "日本"
