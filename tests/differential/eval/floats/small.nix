# 1.0e-7 printing
1.0e-7
