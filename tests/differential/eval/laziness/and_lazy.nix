# && does not force right side
false && (throw "no")
