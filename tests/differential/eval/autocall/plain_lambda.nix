# a plain lambda is printed, not called
x: x
