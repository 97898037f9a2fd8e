# toJSON uses __toString? no: only outPath
builtins.toJSON { __toString = self: "s"; a = 1; }
