# functor set prints as attrset
{ __functor = s: x: x; }
