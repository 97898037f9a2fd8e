# a file that is a function with defaults is auto-called
{ a ? 1, b ? 2 }: a + b
