# currentTime is an int (value not compared)
builtins.typeOf builtins.currentTime
