# a relative path literal is a path
builtins.typeOf ./foo
