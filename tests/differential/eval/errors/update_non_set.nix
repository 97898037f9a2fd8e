# // on non-sets
{ } // [ ]
