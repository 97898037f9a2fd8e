# filter removing everything
builtins.filter (x: false) [ 1 2 ]
