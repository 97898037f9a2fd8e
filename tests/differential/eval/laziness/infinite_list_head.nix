# self-referential infinite structure accessed lazily
let ones = { h = 1; t = ones; }; in ones.t.t.t.h
