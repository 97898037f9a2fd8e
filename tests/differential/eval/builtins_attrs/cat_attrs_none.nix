# catAttrs with no matches
builtins.catAttrs "z" [ { a = 1; } ]
