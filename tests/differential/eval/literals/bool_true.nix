# true
true
