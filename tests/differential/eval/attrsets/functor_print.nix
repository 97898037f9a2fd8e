# a functor set prints as a set
{ __functor = self: x: x; n = 1; }
