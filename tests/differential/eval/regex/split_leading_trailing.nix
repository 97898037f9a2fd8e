# split matching at ends
builtins.split "-" "-a-b-"
