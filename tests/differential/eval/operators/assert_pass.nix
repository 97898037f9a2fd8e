# assert passes
assert 1 + 1 == 2; "ok"
