# nested attrpath definitions merge
{ a.b.c = 1; a.d = 2; x.y = 3; }
