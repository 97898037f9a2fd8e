# fromJSON number forms
builtins.fromJSON "[0, -1, 1.5, 1e3, 1E-2, -0.5, 12345678901234]"
