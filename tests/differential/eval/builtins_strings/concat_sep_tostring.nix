# concatStringsSep with interpolated values
builtins.concatStringsSep "/" [ "a" "${toString 1}" ]
