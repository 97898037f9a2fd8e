# redundant parentheses
((((1))))
