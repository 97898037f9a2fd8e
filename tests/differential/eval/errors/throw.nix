# throw fails evaluation
throw "boom"
