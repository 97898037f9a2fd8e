# currentSystem
builtins.currentSystem
