# 1.0e20 printing
1.0e20
