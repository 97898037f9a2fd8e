# getEnv of a fixed variable (HOME is set by the harness)
builtins.getEnv "HOME"
