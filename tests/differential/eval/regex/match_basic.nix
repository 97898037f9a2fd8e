# match returns groups
builtins.match "([a-z]+)-([0-9]+)" "foo-123"
