# absolute path concatenation
/a/b + "/c"
