# Small general-purpose helpers: combinators, booleans, numbers, warnings,
# function introspection and version information.
{ lib }:

rec {
  # The identity function.
  # id :: a -> a
  # Example: id 3 => 3
  id = x: x;

  # Ignore the second argument and return the first.
  # const :: a -> b -> a
  # Example: const 1 "x" => 1
  const = x: _: x;

  # Feed a value through a list of functions, first to last.
  # pipe :: a -> [ (a -> b) ... ] -> c
  # Example: pipe 2 [ (x: x + 1) (x: x * 3) ] => 9
  pipe = value: fns: builtins.foldl' (acc: f: f acc) value fns;

  # Swap the first two arguments of a function.
  # flip :: (a -> b -> c) -> b -> a -> c
  # Example: flip builtins.sub 1 10 => 9
  flip = f: a: b: f b a;

  # List concatenation as a function.
  # concat :: [a] -> [a] -> [a]
  # Example: concat [ 1 ] [ 2 ] => [ 1 2 ]
  concat = x: y: x ++ y;

  # Boolean "or" as a function.
  # or :: Bool -> Bool -> Bool
  # Example: lib.or false true => true
  "or" = x: y: x || y;

  # Boolean "and" as a function.
  # and :: Bool -> Bool -> Bool
  # Example: and true false => false
  and = x: y: x && y;

  # Exclusive or of two booleans.
  # xor :: Bool -> Bool -> Bool
  # Example: xor true false => true
  xor = x: y: (!x) != (!y);

  # Bitwise operations on integers.
  # bitAnd :: Int -> Int -> Int
  # Example: bitAnd 12 10 => 8
  bitAnd = builtins.bitAnd;
  # bitOr :: Int -> Int -> Int
  # Example: bitOr 12 10 => 14
  bitOr = builtins.bitOr;
  # bitXor :: Int -> Int -> Int
  # Example: bitXor 12 10 => 6
  bitXor = builtins.bitXor;
  # Bitwise complement (two's complement).
  # bitNot :: Int -> Int
  # Example: bitNot 0 => -1
  bitNot = x: (-1) - x;

  # Render a boolean as "true" or "false".
  # boolToString :: Bool -> String
  # Example: boolToString true => "true"
  boolToString = b: if b then "true" else "false";

  # Shallow merge of two attribute sets (right wins).
  # mergeAttrs :: AttrSet -> AttrSet -> AttrSet
  # Example: mergeAttrs { a = 1; } { a = 2; b = 3; } => { a = 2; b = 3; }
  mergeAttrs = x: y: x // y;

  # Return the value unless it is null, in which case return the default.
  # defaultTo :: a -> (a | Null) -> a
  # Example: defaultTo 1 null => 1
  defaultTo = default: maybeValue: if maybeValue == null then default else maybeValue;

  # Apply a function unless the value is null.
  # mapNullable :: (a -> b) -> (a | Null) -> (b | Null)
  # Example: mapNullable (x: x + 1) null => null
  mapNullable = f: a: if a == null then null else f a;

  # The smaller of two comparable values.
  # min :: a -> a -> a
  # Example: min 2 5 => 2
  min = x: y: if x < y then x else y;

  # The larger of two comparable values.
  # max :: a -> a -> a
  # Example: max 2 5 => 5
  max = x: y: if x > y then x else y;

  # Integer remainder; the sign follows the dividend (like C's %).
  # mod :: Int -> Int -> Int
  # Example: mod 11 4 => 3 ; mod (-11) 4 => -3
  mod = base: int: base - int * (builtins.div base int);

  # Three-way comparison: -1, 0 or 1.
  # compare :: a -> a -> Int
  # Example: compare 1 2 => -1
  compare = a: b: if a < b then -1 else if b < a then 1 else 0;

  # Split values into two classes by a predicate; values satisfying it sort
  # first. Within a class, compare with `yes` or `no` respectively.
  # splitByAndCompare :: (a -> Bool) -> (a -> a -> Int) -> (a -> a -> Int) -> a -> a -> Int
  # Example: splitByAndCompare (lib.hasPrefix "x") compare compare "xb" "a" => -1
  splitByAndCompare = p: yes: no: a: b:
    let pa = p a; pb = p b; in
    if pa && pb then yes a b
    else if pa then -1
    else if pb then 1
    else no a b;

  # Arithmetic and comparison builtins as functions.
  # lessThan :: a -> a -> Bool
  # Example: lessThan 1 2 => true
  lessThan = builtins.lessThan;
  # add :: Number -> Number -> Number
  # Example: add 1 2 => 3
  add = builtins.add;
  # sub :: Number -> Number -> Number
  # Example: sub 5 2 => 3
  sub = builtins.sub;
  # mul :: Number -> Number -> Number
  # Example: mul 2 3 => 6
  mul = builtins.mul;
  # div :: Number -> Number -> Number
  # Example: div 7 2 => 3
  div = builtins.div;
  # inc :: Int -> Int
  # Example: inc 1 => 2
  inc = x: x + 1;
  # dec :: Int -> Int
  # Example: dec 1 => 0
  dec = x: x - 1;

  # Force the first argument to weak head normal form, return the second.
  # seq :: a -> b -> b
  # Example: seq 1 2 => 2
  seq = builtins.seq;

  # Force the first argument completely, return the second.
  # deepSeq :: a -> b -> b
  # Example: deepSeq { a = 1; } 2 => 2
  deepSeq = builtins.deepSeq;

  # Print a warning (via trace) and return the second argument.
  # warn :: String -> a -> a
  # Example: warn "deprecated" 1 => 1 (and prints "warning: deprecated")
  warn = msg: builtins.trace "[1;35mwarning:[0m ${msg}";

  # Warn only when the condition holds.
  # warnIf :: Bool -> String -> a -> a
  # Example: warnIf false "never" 1 => 1
  warnIf = cond: msg: if cond then warn msg else x: x;

  # Warn only when the condition does not hold.
  # warnIfNot :: Bool -> String -> a -> a
  # Example: warnIfNot true "never" 1 => 1
  warnIfNot = cond: msg: if cond then x: x else warn msg;

  # Throw the message when the condition holds, else return the value.
  # throwIf :: Bool -> String -> a -> a
  # Example: throwIf false "bad" 1 => 1
  throwIf = cond: msg: if cond then throw msg else x: x;

  # Throw the message unless the condition holds.
  # throwIfNot :: Bool -> String -> a -> a
  # Example: throwIfNot true "bad" 1 => 1
  throwIfNot = cond: msg: if cond then x: x else throw msg;

  # Print an informational message (via trace) and return the value.
  # info :: String -> a -> a
  # Example: info "hello" 1 => 1
  info = msg: builtins.trace "INFO: ${msg}";

  # Emit every warning in the list, then return the value.
  # showWarnings :: [String] -> a -> a
  # Example: showWarnings [ ] 1 => 1
  showWarnings = warnings: res: builtins.foldl' (acc: w: warn w acc) res warnings;

  # Whether we are evaluated inside nix-shell; never the case here.
  # inNixShell :: Bool
  inNixShell = false;

  # Whether a value can be called: a lambda, a primop, or a set with __functor.
  # isFunction :: a -> Bool
  # Example: isFunction { __functor = self: x: x; } => true
  isFunction = f: builtins.isFunction f || (builtins.isAttrs f && f ? __functor && isFunction (f.__functor f));

  # The formal arguments of a function (name -> has default), also for
  # functors built with setFunctionArgs.
  # functionArgs :: (a -> b) -> AttrSet
  # Example: functionArgs ({ a, b ? 1 }: a) => { a = false; b = true; }
  functionArgs = f:
    if builtins.isAttrs f && f ? __functor
    then f.__functionArgs or (functionArgs (f.__functor f))
    else builtins.functionArgs f;

  # Wrap a function so that functionArgs reports the given arguments.
  # setFunctionArgs :: (a -> b) -> AttrSet -> Functor
  # Example: functionArgs (setFunctionArgs (x: x) { a = false; }) => { a = false; }
  setFunctionArgs = f: args: {
    __functor = self: f;
    __functionArgs = args;
  };

  # Give a new function the formal arguments of an existing one.
  # mirrorFunctionArgs :: (a -> b) -> (c -> d) -> Functor
  # Example: functionArgs (mirrorFunctionArgs ({ x }: x) (a: a)) => { x = false; }
  mirrorFunctionArgs = f: let fArgs = functionArgs f; in g: setFunctionArgs g fArgs;

  # Turn a value into a function ignoring its argument; functions stay.
  # toFunction :: (a | (b -> a)) -> b -> a
  # Example: toFunction 5 null => 5
  toFunction = v: if isFunction v then v else _: v;

  # Read and parse a JSON file.
  # importJSON :: Path -> Any
  # Example: importJSON ./data.json => { ... }
  importJSON = path: builtins.fromJSON (builtins.readFile path);

  # Read and parse a TOML file.
  # importTOML :: Path -> Any
  # Example: importTOML ./data.toml => { ... }
  importTOML = path: builtins.fromTOML (builtins.readFile path);

  # Digits of a non-negative integer in the given base, most significant first.
  # toBaseDigits :: Int -> Int -> [Int]
  # Example: toBaseDigits 2 6 => [ 1 1 0 ]
  toBaseDigits = base: i:
    let
      go = n: acc: if n < base then [ n ] ++ acc else go (builtins.div n base) ([ (mod n base) ] ++ acc);
    in
    assert base >= 2; assert i >= 0; go i [ ];

  # Upper-case hexadecimal representation of a non-negative integer.
  # toHexString :: Int -> String
  # Example: toHexString 255 => "FF"
  toHexString = i:
    let digits = [ "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "A" "B" "C" "D" "E" "F" ];
    in builtins.concatStringsSep "" (map (builtins.elemAt digits) (toBaseDigits 16 i));

  # Name and version of this library.
  # version :: String
  # Example: version => "sysrebuild"
  version = "sysrebuild";
  # release :: String
  release = "sysrebuild";
  # codeName :: String
  codeName = "sysrebuild";
  # versionSuffix :: String
  versionSuffix = "";
  # Whether a NixOS release (e.g. 2305) is at least the oldest one supported;
  # sysrebuild supports all of them.
  # isInOldestRelease :: Int -> Bool
  # Example: isInOldestRelease 2305 => true
  isInOldestRelease = release: true;
}
