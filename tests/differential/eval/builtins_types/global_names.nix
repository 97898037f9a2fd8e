# names available without builtins. prefix
[ (builtins.typeOf abort) (builtins.typeOf baseNameOf) (builtins.typeOf derivation) (builtins.typeOf dirOf) (builtins.typeOf fetchTarball) (builtins.typeOf import) (builtins.typeOf isNull) (builtins.typeOf map) (builtins.typeOf placeholder) (builtins.typeOf removeAttrs) (builtins.typeOf scopedImport) (builtins.typeOf throw) (builtins.typeOf toString) ]
