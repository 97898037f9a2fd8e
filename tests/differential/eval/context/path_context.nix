# interpolated path has context
builtins.getContext "${./../_lib/data.txt}"
