# empty list
[ ]
