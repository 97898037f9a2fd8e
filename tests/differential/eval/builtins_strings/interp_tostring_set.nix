# interpolation uses __toString
let s = { __toString = self: "S"; }; in "a${s}b"
