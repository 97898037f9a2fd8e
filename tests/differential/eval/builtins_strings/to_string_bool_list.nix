# toString on list of bools and nulls
toString [ true false null ]
