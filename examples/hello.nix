# A small expression that exercises the evaluator: `sysrebuild eval --strict examples/hello.nix`.
let
  lib = import <sysrebuild/lib>;
  greet = name: "Hello, ${name}!";
  users = [ "alice" "bob" ];
in
{
  greetings = map greet users;
  count = builtins.length users;
  squares = builtins.genList (i: i * i) 5;
  sum = builtins.foldl' (a: b: a + b) 0 [ 1 2 3 4 ];
  upper = lib.toUpper "sysrebuild";
}
