# unused throw in attrset value never forced by select
{ a = 1; b = throw "no"; }.a
