# // does not force values
({ a = throw "x"; } // { b = 1; }).b
