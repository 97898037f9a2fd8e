# toString of set with outPath
toString { outPath = "/some/path"; }
