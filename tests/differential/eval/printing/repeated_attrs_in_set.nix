# repeated set as attr values
let s = { v = 1; }; in { p = s; q = s; r = { inner = s; }; }
