# isAttrs
[ (builtins.isAttrs { }) (builtins.isAttrs [ ]) ]
