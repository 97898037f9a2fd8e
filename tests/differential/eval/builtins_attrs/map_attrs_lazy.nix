# mapAttrs is lazy in values
(builtins.mapAttrs (n: v: throw "no") { a = 1; }) ? a
