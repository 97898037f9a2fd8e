# addErrorContext with a value that is fine
builtins.addErrorContext "ctx" { a = 1; }
