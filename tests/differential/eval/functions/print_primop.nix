# primop prints as <PRIMOP>
builtins.add
