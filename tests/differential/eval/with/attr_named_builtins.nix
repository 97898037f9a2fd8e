# map is in the global (lexical) scope, so with cannot shadow it
with { map = x: "mine"; }; map 1
