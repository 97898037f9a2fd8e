# attrs of a derivation value
let d = derivation { name = "attrs"; system = "x"; builder = "/b"; extra = 1; }; in builtins.attrNames d
