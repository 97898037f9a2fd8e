# Tracing helpers and a minimal unit-test runner.
{ lib }:

let
  inherit (builtins) trace deepSeq isList isAttrs mapAttrs;
in
rec {
  # Trace the message only when the condition holds; return the value.
  # traceIf :: Bool -> String -> a -> a
  # Example: traceIf false "x" 1 => 1
  traceIf = pred: msg: x: if pred then trace msg x else x;

  # Trace f of the value and return the value.
  # traceValFn :: (a -> b) -> a -> a
  # Example: traceValFn (x: "v=${toString x}") 1 => 1 (prints "trace: v=1")
  traceValFn = f: x: trace (f x) x;

  # Trace the value and return it.
  # traceVal :: a -> a
  # Example: traceVal 1 => 1
  traceVal = traceValFn (x: x);

  # Trace the first value, fully evaluated, and return the second.
  # traceSeq :: a -> b -> b
  # Example: traceSeq { a = 1; } 2 => 2
  traceSeq = x: y: trace (deepSeq x x) y;

  # Trace the first value pretty-printed down to a depth (deeper lists and
  # sets are shown as […] / {…}) and return the second.
  # traceSeqN :: Int -> a -> b -> b
  # Example: traceSeqN 1 { a.b = 1; } 2 => 2 (prints "trace: { a = {…}; }")
  traceSeqN = depth: x: y:
    let
      opaque = text: v: { __pretty = _: text; val = v; };
      cut = v: if isList v then opaque "[…]" v else if isAttrs v then opaque "{…}" v else v;
      limit = n: v:
        if n == 0 then cut v
        else if isList v then map (limit (n - 1)) v
        else if isAttrs v then mapAttrs (_: limit (n - 1)) v
        else v;
    in
    trace (lib.generators.toPretty { allowPrettyValues = true; } (limit depth x)) y;

  # Trace f of the fully evaluated value, return the value.
  # traceValSeqFn :: (a -> b) -> a -> a
  # Example: traceValSeqFn (x: x) [ 1 ] => [ 1 ]
  traceValSeqFn = f: v: traceValFn f (deepSeq v v);

  # Trace the fully evaluated value and return it.
  # traceValSeq :: a -> a
  # Example: traceValSeq [ 1 ] => [ 1 ]
  traceValSeq = traceValSeqFn (x: x);

  # Trace f of the value down to a depth, return the value.
  # traceValSeqNFn :: (a -> b) -> Int -> a -> a
  # Example: traceValSeqNFn (x: x) 1 [ 1 ] => [ 1 ]
  traceValSeqNFn = f: depth: v: traceSeqN depth (f v) v;

  # Trace the value down to a depth and return it.
  # traceValSeqN :: Int -> a -> a
  # Example: traceValSeqN 1 [ [ 1 ] ] => [ [ 1 ] ]
  traceValSeqN = traceValSeqNFn (x: x);

  # Run unit tests: every attribute whose name starts with "test" (or, if
  # a `tests` list is given, only those names) is a { expr; expected; }
  # case; return the failing ones as [ { name; expected; result; } ].
  # runTests :: AttrSet -> [{ name :: String; expected :: a; result :: a; }]
  # Example: runTests { testOne = { expr = 1; expected = 2; }; } => [ { name = "testOne"; expected = 2; result = 1; } ]
  runTests = tests:
    let
      selected =
        if tests ? tests then tests.tests
        else builtins.filter (n: lib.hasPrefix "test" n) (builtins.attrNames tests);
      failed = builtins.filter (n: tests.${n}.expr != tests.${n}.expected) selected;
    in
    map (n: { name = n; inherit (tests.${n}) expected; result = tests.${n}.expr; }) failed;

  # A test case asserting that every element of a list is true.
  # testAllTrue :: [Bool] -> { expr :: [Bool]; expected :: [Bool]; }
  # Example: testAllTrue [ true (1 < 2) ] => { expr = [ true true ]; expected = [ true true ]; }
  testAllTrue = expr: { inherit expr; expected = map (_: true) expr; };
}
