# read and parse a data file
builtins.fromJSON (builtins.readFile ./../_lib/data.json)
