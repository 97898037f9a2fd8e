# unsafeGetAttrPos of missing attr is null
builtins.unsafeGetAttrPos "nope" { a = 1; }
