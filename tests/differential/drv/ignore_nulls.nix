# __ignoreNulls drops null attrs
derivation { name = "ign"; system = "x86_64-linux"; builder = "/bin/sh"; __ignoreNulls = true; gone = null; kept = "k"; }
