# toString of a list containing paths does not copy
builtins.substring 0 1 (toString [ ./. ])
