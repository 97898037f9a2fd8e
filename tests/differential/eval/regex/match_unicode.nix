# match on utf-8 bytes
builtins.match "(.*)✓(.*)" "a✓b"
