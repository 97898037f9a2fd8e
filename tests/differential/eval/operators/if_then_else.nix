# if expression
[ (if true then 1 else 2) (if 1 > 2 then "a" else "b") ]
