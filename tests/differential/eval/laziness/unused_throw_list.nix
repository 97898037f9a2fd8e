# list elements are lazy
builtins.length [ (throw "a") (abort "b") ]
