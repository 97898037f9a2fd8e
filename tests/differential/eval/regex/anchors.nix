# explicit anchors
builtins.match "^ab$" "ab"
