# adding string and int
"a" + 1
