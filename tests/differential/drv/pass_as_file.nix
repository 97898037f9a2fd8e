# passAsFile attributes
derivation { name = "paf"; system = "x86_64-linux"; builder = "/bin/sh"; passAsFile = [ "text" ]; text = "some long text"; }
