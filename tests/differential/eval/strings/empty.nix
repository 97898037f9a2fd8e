# empty string
""
