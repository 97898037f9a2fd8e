# nixPath reflects NIX_PATH and -I (harness sets NIX_PATH)
builtins.nixPath
