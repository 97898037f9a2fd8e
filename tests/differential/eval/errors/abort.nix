# abort fails evaluation
abort "stop"
