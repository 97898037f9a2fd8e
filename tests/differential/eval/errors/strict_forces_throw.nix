# --strict forces nested values
{ a = throw "deep"; }
