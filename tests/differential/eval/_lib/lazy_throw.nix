# file whose value throws only when forced
{ ok = 1; bad = throw "never"; }
