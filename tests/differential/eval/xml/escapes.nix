# toXML escapes special chars
builtins.toXML "<tag attr=\"v\"> & 'q'"
