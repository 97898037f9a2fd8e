# sorting 10,000 elements
let xs = builtins.genList (i: builtins.bitXor (i * 7919) 4093) 10000; s = builtins.sort builtins.lessThan xs; in [ (builtins.head s) (builtins.elemAt s 5000) ]
