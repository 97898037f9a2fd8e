# langVersion
builtins.langVersion
