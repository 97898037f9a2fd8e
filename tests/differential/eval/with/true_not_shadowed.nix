# with cannot shadow true since builtins scope is lexical
with { true = 1; }; true
