# ints must be converted explicitly
"n=${toString 42}"
