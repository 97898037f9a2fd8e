# normal strings can span lines
"line1
line2"
