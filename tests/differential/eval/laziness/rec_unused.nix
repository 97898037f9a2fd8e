# unused rec attr never forced
(rec { a = throw "never"; b = 2; }).b
