# line and block comments are ignored
/* block */ 1 # line
+ /* another
multi-line */ 2
