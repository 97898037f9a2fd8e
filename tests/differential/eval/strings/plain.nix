# plain string
"hello"
