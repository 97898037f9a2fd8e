# nested groups
builtins.match "((a)(b(c)))" "abc"
