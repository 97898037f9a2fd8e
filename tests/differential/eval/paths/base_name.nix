# baseNameOf on paths and strings
[ (baseNameOf ./foo/bar.nix) (baseNameOf "/a/b/c") (baseNameOf "/a/b/") (baseNameOf "plain") (baseNameOf "") ]
