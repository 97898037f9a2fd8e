# imported attrset values are lazy
(import ./../_lib/lazy_throw.nix).ok
