# printer escapes special chars
[ "tab\there" "nl\nhere" "quote\"" "dollar\${x}" "back\\slash" "cr\r" ]
