# calling a non-function
1 2
