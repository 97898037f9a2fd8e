# dollar at end of string
"abc$"
