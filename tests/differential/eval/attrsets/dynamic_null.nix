# dynamic attribute with null name is omitted
{ ${null} = 1; a = 2; }
