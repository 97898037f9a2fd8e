# 'or' used as an attribute name
{ or = 1; }.or
