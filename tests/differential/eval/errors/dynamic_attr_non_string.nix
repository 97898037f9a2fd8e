# dynamic attr name must be string
{ ${1} = 2; }
