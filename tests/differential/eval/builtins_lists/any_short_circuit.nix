# any stops at the first true
builtins.any (x: x) [ true (throw "no") ]
