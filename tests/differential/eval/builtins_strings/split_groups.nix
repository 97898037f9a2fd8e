# split with capture groups
builtins.split "(a)|(b)" "xaybz"
