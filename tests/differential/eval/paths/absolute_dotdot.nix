# absolute path normalization
[ /a/b/../c /a/./b /. ]
