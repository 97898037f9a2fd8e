# nested values print inline
{ a = { b = [ 1 { c = "x"; } ]; }; d = [ [ ] { } ]; }
