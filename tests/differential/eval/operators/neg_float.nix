# negation of float
-(1.5)
