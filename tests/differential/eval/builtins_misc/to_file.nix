# toFile creates a store path
builtins.toFile "hello.txt" "Hello, world\n"
