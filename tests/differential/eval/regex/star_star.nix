# nested quantified groups
builtins.match "((a*)b)*" "aabab"
