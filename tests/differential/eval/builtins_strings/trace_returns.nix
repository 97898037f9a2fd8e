# trace returns its second argument
builtins.trace "message on stderr" 42
