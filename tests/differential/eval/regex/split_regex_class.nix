# split on whitespace class
builtins.split "[[:space:]]+" "a  b\tc"
