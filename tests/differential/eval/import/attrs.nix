# import of an attrset and use
let h = import ./../_lib/helper.nix; in [ h.name (h.double 21) ]
