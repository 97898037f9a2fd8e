# toJSON of set with outPath
builtins.toJSON { outPath = "/x"; other = 1; }
