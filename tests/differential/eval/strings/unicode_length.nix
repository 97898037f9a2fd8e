# stringLength counts bytes
builtins.stringLength "é✓"
