# invalid regex
builtins.match "(" "x"
