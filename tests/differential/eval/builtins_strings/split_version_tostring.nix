# splitVersion of a version built by concatenation
builtins.splitVersion ("1" + "." + toString 2)
