# path + string with slash
(./. + "/x/y") == ./x/y
