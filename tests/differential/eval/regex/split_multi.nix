# split with multiple groups
builtins.split "([ab])(c)?" "xacybz"
