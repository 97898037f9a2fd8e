# toString of nested list flattens with spaces
toString [ "a" [ "b" [ "c" ] ] [ ] "d" ]
