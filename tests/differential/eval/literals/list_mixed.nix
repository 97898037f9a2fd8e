# list of mixed literal kinds
[ 1 "a" true null 2.5 [ ] { } ]
