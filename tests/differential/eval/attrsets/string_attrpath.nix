# quoted components in attrpaths
{ "a".b."c d" = 1; }
