# __ aliases of builtins
[ (__add 1 2) (__length [ 1 ]) (__head [ 9 ]) (__typeOf 1) ]
