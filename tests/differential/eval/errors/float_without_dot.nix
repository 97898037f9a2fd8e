# 1e20 is not a float literal: it parses as 1 applied to e20
1e20
