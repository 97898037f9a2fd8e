# null prints as null
null
