# hashFile md5 and sha512
[ (builtins.hashFile "md5" ./../_lib/data.txt) (builtins.hashFile "sha1" ./../_lib/data.txt) (builtins.hashFile "sha512" ./../_lib/data.txt) ]
