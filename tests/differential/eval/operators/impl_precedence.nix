# -> binds weaker than ||
true || false -> false
