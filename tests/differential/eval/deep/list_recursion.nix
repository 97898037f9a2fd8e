# building a list recursively
let go = n: if n == 0 then [ ] else [ n ] ++ go (n - 1); in builtins.length (go 2000)
