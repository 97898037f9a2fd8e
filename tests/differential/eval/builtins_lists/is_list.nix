# isList
[ (builtins.isList [ ]) (builtins.isList { }) ]
