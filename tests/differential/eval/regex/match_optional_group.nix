# unmatched optional group is null
builtins.match "(a)?(b)" "b"
