# quotes inside interpolation
"a${"b${"c"}"}d"
