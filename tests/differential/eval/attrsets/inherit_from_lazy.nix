# inherit from an expression is lazy
{ inherit ({ a = 1; b = throw "no"; }) a; }
