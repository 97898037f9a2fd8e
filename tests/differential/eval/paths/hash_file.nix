# hashFile on a path
builtins.hashFile "sha256" ./../_lib/data.txt
