# a function file
{ a, b ? 10 }: a + b
