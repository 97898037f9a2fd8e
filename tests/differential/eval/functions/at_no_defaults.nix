# @-binding does not include defaults
(args@{ a ? 1 }: args) { }
