# reading relative to file
builtins.readFile (./. + "/../../eval/_lib/data.txt")
