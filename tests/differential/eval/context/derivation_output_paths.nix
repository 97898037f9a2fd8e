# outPath of multiple outputs
let d = derivation { name = "mo"; system = "x"; builder = "/b"; outputs = [ "out" "dev" ]; }; in [ d.outputName d.dev.outputName (d.dev.outPath == d.outputs or d.dev.outPath) (builtins.length d.all) ]
