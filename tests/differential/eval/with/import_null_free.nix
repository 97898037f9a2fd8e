# with inside let inside with
with { a = 1; }; let b = a + 1; in with { c = b; }; [ a b c ]
