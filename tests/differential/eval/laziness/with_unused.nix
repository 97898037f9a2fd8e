# with of a throwing attr that is not used
with { x = throw "never"; }; 5
