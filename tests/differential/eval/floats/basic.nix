# simple float
1.5
