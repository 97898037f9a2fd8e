# global names
[ (toString 1) (baseNameOf "/x/y") (isNull null) (removeAttrs { a = 1; } [ "a" ]) ]
