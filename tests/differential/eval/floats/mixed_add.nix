# int + float is float
1 + 2.5
