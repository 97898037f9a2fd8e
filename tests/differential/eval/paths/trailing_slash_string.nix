# baseNameOf with trailing slash string
[ (baseNameOf "foo/") (dirOf "foo/") ]
