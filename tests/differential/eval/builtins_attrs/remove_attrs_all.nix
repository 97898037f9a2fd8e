# remove everything
removeAttrs { a = 1; } [ "a" ]
