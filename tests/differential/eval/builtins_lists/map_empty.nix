# map over empty list
map throw [ ]
