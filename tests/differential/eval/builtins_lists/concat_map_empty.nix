# concatMap producing empties
builtins.concatMap (x: [ ]) [ 1 2 ]
