# escaped dollar and brace
"\${not interpolated} $${also not}"
