# inherit inside rec refers to outer scope
let a = 1; in rec { inherit a; b = a + 1; }
