# repeated group returns last iteration
builtins.match "(a|b)*" "abba"
