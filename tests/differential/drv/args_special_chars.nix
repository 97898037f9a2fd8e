# args with quotes, backslashes, newlines
derivation { name = "argsq"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "a\"b" "c\\d" "e\nf" "tab\there" "dollar$x" ]; }
