# isFunction on an ordinary set
builtins.isFunction { }
