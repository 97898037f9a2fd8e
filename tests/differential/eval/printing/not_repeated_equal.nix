# equal but distinct values are not repeated
[ { a = 1; } { a = 1; } ]
