# readDir of a directory
builtins.readDir ./../_lib/dir
