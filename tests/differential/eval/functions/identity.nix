# simple lambda application
(x: x) 5
