# langVersion is still 6
builtins.langVersion
