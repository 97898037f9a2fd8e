# getEnv of unset variable is empty
builtins.getEnv "SYSREBUILD_SURELY_UNSET_VARIABLE"
