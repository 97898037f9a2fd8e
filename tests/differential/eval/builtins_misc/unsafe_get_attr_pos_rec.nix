# unsafeGetAttrPos in rec set
let p = builtins.unsafeGetAttrPos "y" rec { x = 1; y = x; }; in [ p.line p.column ]
