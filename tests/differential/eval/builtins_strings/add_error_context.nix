# addErrorContext passes value through
builtins.addErrorContext "context" 7
