# @-pattern set contains passed args only
(a@{ x ? 1, ... }: builtins.attrNames a) { y = 2; }
