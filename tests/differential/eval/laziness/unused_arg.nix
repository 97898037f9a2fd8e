# unused function argument
(x: 1) (throw "no")
