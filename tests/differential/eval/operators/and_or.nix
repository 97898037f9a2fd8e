# && and || short circuit
[ (true && false) (false || true) (false && throw "no") (true || throw "no") ]
