# hash of long input
builtins.hashString "sha1" (builtins.concatStringsSep "" (builtins.genList (x: "abc") 1000))
