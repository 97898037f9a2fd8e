# with builtins using map/filter
with builtins; filter (x: x > 1) (map (x: x * 2) [ 0 1 2 ])
