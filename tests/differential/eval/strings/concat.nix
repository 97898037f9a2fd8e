# string concatenation
"foo" + "bar" + ""
