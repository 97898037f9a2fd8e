# absolute path literal
/etc/passwd
