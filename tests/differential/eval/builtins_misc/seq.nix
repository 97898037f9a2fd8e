# seq forces first arg shallowly
builtins.seq { a = throw "not deep"; } "ok"
