# fixed-output sha512 SRI
derivation { name = "fodsha512sri"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw=="; }
