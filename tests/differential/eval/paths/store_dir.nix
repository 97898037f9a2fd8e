# storeDir value
builtins.storeDir
