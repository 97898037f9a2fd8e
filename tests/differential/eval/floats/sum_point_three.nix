# 0.1 + 0.2 printing precision
0.1 + 0.2
