# fetchurl etc exist as primops
builtins.typeOf builtins.fetchurl
