# nested attrset containing derivations at depth
let mk = n: derivation { name = n; system = "x86_64-linux"; builder = "/bin/sh"; }; in { pkgs = { hello = mk "hello-2.10"; }; top = mk "top"; }
