# -> is implication and right associative
[ (true -> false) (false -> throw "no") (true -> true) (false -> false -> false) ]
