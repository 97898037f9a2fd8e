# primop variety
[ builtins.map builtins.head (builtins.map (x: x)) builtins.sort ]
