# interpolation in attribute names
let k = "key"; in { "${k}1" = 1; ${k + "2"} = 2; }
