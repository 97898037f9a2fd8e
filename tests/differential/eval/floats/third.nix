# 1/3 printing precision
1.0 / 3
