# ! applied to a comparison needs no parens around the comparison operand order
!(1 == 2) == true
