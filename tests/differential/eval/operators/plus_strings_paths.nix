# + on string and string
"a" + "b" + "c"
