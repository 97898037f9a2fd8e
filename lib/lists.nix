# Functions on lists.
{ lib }:

let
  inherit (builtins) length elemAt genList filter elem head tail concatMap;
in
rec {
  # Builtins re-exported under their usual names.
  # head :: [a] -> a                           Example: head [ 1 2 ] => 1
  # tail :: [a] -> [a]                         Example: tail [ 1 2 ] => [ 2 ]
  # length :: [a] -> Int                       Example: length [ 1 2 ] => 2
  # elemAt :: [a] -> Int -> a                  Example: elemAt [ 1 2 ] 1 => 2
  # filter :: (a -> Bool) -> [a] -> [a]        Example: filter (x: x > 1) [ 1 2 ] => [ 2 ]
  # elem :: a -> [a] -> Bool                   Example: elem 2 [ 1 2 ] => true
  # genList :: (Int -> a) -> Int -> [a]        Example: genList (x: x * 2) 3 => [ 0 2 4 ]
  # concatLists :: [[a]] -> [a]                Example: concatLists [ [ 1 ] [ 2 ] ] => [ 1 2 ]
  # concatMap :: (a -> [b]) -> [a] -> [b]      Example: concatMap (x: [ x x ]) [ 1 2 ] => [ 1 1 2 2 ]
  # any :: (a -> Bool) -> [a] -> Bool          Example: any (x: x > 1) [ 1 2 ] => true
  # all :: (a -> Bool) -> [a] -> Bool          Example: all (x: x > 1) [ 1 2 ] => false
  # sort :: (a -> a -> Bool) -> [a] -> [a]     Example: sort (a: b: a < b) [ 2 1 ] => [ 1 2 ]
  # partition :: (a -> Bool) -> [a] -> { right :: [a]; wrong :: [a]; }
  #   Example: partition (x: x > 1) [ 1 2 3 ] => { right = [ 2 3 ]; wrong = [ 1 ]; }
  # groupBy :: (a -> String) -> [a] -> { ${String} :: [a]; }
  #   Example: groupBy (x: if x > 1 then "big" else "small") [ 1 2 3 ] => { big = [ 2 3 ]; small = [ 1 ]; }
  inherit (builtins) head tail length elemAt filter elem genList concatLists concatMap any all sort partition groupBy;

  # A list holding just the value.
  # singleton :: a -> [a]
  # Example: singleton 1 => [ 1 ]
  singleton = x: [ x ];

  # map with the arguments swapped.
  # forEach :: [a] -> (a -> b) -> [b]
  # Example: forEach [ 1 2 ] (x: x * 10) => [ 10 20 ]
  forEach = xs: f: map f xs;

  # Right fold: op x0 (op x1 (... (op xn nul))). Lazy in the accumulator.
  # foldr :: (a -> b -> b) -> b -> [a] -> b
  # Example: foldr (x: acc: [ x ] ++ acc) [ ] [ 1 2 ] => [ 1 2 ]
  foldr = op: nul: list:
    let
      len = length list;
      go = i: if i == len then nul else op (elemAt list i) (go (i + 1));
    in
    go 0;

  # Alias of foldr.
  # fold :: (a -> b -> b) -> b -> [a] -> b
  # Example: fold (x: acc: x + acc) 0 [ 1 2 ] => 3
  fold = foldr;

  # Left fold: op (... (op (op nul x0) x1) ...) xn. Lazy in the accumulator.
  # foldl :: (b -> a -> b) -> b -> [a] -> b
  # Example: foldl (acc: x: acc ++ [ x ]) [ ] [ 1 2 ] => [ 1 2 ]
  foldl = op: nul: list:
    let go = i: if i < 0 then nul else op (go (i - 1)) (elemAt list i);
    in go (length list - 1);

  # Strict left fold; the initial accumulator is forced too.
  # foldl' :: (b -> a -> b) -> b -> [a] -> b
  # Example: foldl' (acc: x: acc + x) 0 [ 1 2 3 ] => 6
  foldl' = op: acc: list: builtins.seq acc (builtins.foldl' op acc list);

  # map with a 0-based index.
  # imap0 :: (Int -> a -> b) -> [a] -> [b]
  # Example: imap0 (i: v: "${v}${toString i}") [ "a" "b" ] => [ "a0" "b1" ]
  imap0 = f: list: genList (i: f i (elemAt list i)) (length list);

  # map with a 1-based index.
  # imap1 :: (Int -> a -> b) -> [a] -> [b]
  # Example: imap1 (i: v: "${v}${toString i}") [ "a" "b" ] => [ "a1" "b2" ]
  imap1 = f: list: genList (i: f (i + 1) (elemAt list i)) (length list);

  # filter with a 0-based index.
  # ifilter0 :: (Int -> a -> Bool) -> [a] -> [a]
  # Example: ifilter0 (i: v: i == 0 || v > 2) [ 1 2 3 ] => [ 1 3 ]
  ifilter0 = pred: list:
    map (elemAt list) (filter (i: pred i (elemAt list i)) (genList (i: i) (length list)));

  # Flatten arbitrarily nested lists; a non-list becomes a singleton list.
  # flatten :: a -> [b]
  # Example: flatten [ 1 [ 2 [ 3 ] ] [ ] ] => [ 1 2 3 ]
  flatten = x: if builtins.isList x then concatMap flatten x else [ x ];

  # Remove every element equal to the value.
  # remove :: a -> [a] -> [a]
  # Example: remove 3 [ 1 3 4 3 ] => [ 1 4 ]
  remove = e: filter (x: x != e);

  # The only element satisfying pred; `default` if none, `multiple` if
  # more than one.
  # findSingle :: (a -> Bool) -> a -> a -> [a] -> a
  # Example: findSingle (x: x == 3) "none" "many" [ 1 3 3 ] => "many"
  findSingle = pred: default: multiple: list:
    let found = filter pred list; n = length found; in
    if n == 0 then default else if n == 1 then head found else multiple;

  # Index of the first element satisfying pred, or `default`.
  # findFirstIndex :: (a -> Bool) -> b -> [a] -> (Int | b)
  # Example: findFirstIndex (x: x > 3) null [ 0 6 4 ] => 1
  findFirstIndex = pred: default: list:
    let
      len = length list;
      go = i: if i == len then default else if pred (elemAt list i) then i else go (i + 1);
    in
    go 0;

  # First element satisfying pred, or `default`.
  # findFirst :: (a -> Bool) -> a -> [a] -> a
  # Example: findFirst (x: x > 3) 7 [ 1 6 4 ] => 6
  findFirst = pred: default: list:
    let i = findFirstIndex pred null list; in
    if i == null then default else elemAt list i;

  # Number of elements satisfying pred.
  # count :: (a -> Bool) -> [a] -> Int
  # Example: count (x: x == 1) [ 1 2 1 ] => 2
  count = pred: builtins.foldl' (c: x: if pred x then c + 1 else c) 0;

  # A singleton list if the condition holds, else the empty list.
  # optional :: Bool -> a -> [a]
  # Example: optional true "x" => [ "x" ]
  optional = cond: elem: if cond then [ elem ] else [ ];

  # The list if the condition holds, else the empty list.
  # optionals :: Bool -> [a] -> [a]
  # Example: optionals false [ 1 ] => [ ]
  optionals = cond: elems: if cond then elems else [ ];

  # Wrap a non-list into a singleton list; lists stay as they are.
  # toList :: (a | [a]) -> [a]
  # Example: toList 1 => [ 1 ]
  toList = x: if builtins.isList x then x else [ x ];

  # Integers from first to last, inclusive.
  # range :: Int -> Int -> [Int]
  # Example: range 2 4 => [ 2 3 4 ]
  range = first: last: if first > last then [ ] else genList (n: first + n) (last - first + 1);

  # A list of n copies of the value.
  # replicate :: Int -> a -> [a]
  # Example: replicate 3 "a" => [ "a" "a" "a" ]
  replicate = n: x: genList (_: x) n;

  # Group by key, then fold each group with op starting from nul.
  # groupBy' :: (b -> a -> b) -> b -> (a -> String) -> [a] -> { ${String} :: b; }
  # Example: groupBy' builtins.add 0 (x: if x > 2 then "big" else "small") [ 1 2 3 4 ] => { big = 7; small = 3; }
  groupBy' = op: nul: pred: list:
    builtins.mapAttrs (name: builtins.foldl' op nul) (builtins.groupBy pred list);

  # Combine two lists elementwise; the result has the length of the shorter.
  # zipListsWith :: (a -> b -> c) -> [a] -> [b] -> [c]
  # Example: zipListsWith (a: b: a + b) [ 1 2 ] [ 10 20 30 ] => [ 11 22 ]
  zipListsWith = f: fst: snd:
    genList (i: f (elemAt fst i) (elemAt snd i)) (lib.min (length fst) (length snd));

  # Pair up two lists into { fst; snd; } sets.
  # zipLists :: [a] -> [b] -> [{ fst :: a; snd :: b; }]
  # Example: zipLists [ 1 ] [ "a" ] => [ { fst = 1; snd = "a"; } ]
  zipLists = zipListsWith (fst: snd: { inherit fst snd; });

  # The list in reverse order.
  # reverseList :: [a] -> [a]
  # Example: reverseList [ 1 2 3 ] => [ 3 2 1 ]
  reverseList = xs: let n = length xs; in genList (i: elemAt xs (n - i - 1)) n;

  # Depth-first search for a minimal element with respect to `before`,
  # starting at the head of the list. Returns
  # { minimal; visited; rest; } or, when stopOnCycles and a cycle is hit,
  # { cycle; loops; visited; rest; }.
  # listDfs :: Bool -> (a -> a -> Bool) -> [a] -> AttrSet
  # Example: listDfs true lib.hasPrefix [ "/home/user" "other" "/" "/home" ]
  #   => { minimal = "/"; rest = [ "/home" "other" ]; visited = [ "/home/user" ]; }
  listDfs = stopOnCycles: before: list:
    let
      step = current: visited: rest:
        let
          loops = filter (v: before v current) visited;
          preds = builtins.partition (r: before r current) rest;
        in
        if stopOnCycles && loops != [ ] then
          { cycle = current; inherit loops visited rest; }
        else if preds.right == [ ] then
          { minimal = current; inherit visited rest; }
        else
          step (head preds.right) ([ current ] ++ visited) (tail preds.right ++ preds.wrong);
    in
    step (head list) [ ] (tail list);

  # Topological sort with respect to `before` (a before b). Returns
  # { result = [ ... ]; } or, if there is a cycle, { cycle; loops; }.
  # The sort is stable only as far as the depth-first search allows.
  # toposort :: (a -> a -> Bool) -> [a] -> { result :: [a]; } | { cycle :: [a]; loops :: [a]; }
  # Example: toposort lib.hasPrefix [ "/home/user" "other" "/" "/home" ]
  #   => { result = [ "/" "/home" "/home/user" "other" ]; }
  toposort = before: list:
    if length list < 2 then
      { result = list; }
    else
      let
        dfs = listDfs true before list;
        sortedRest = toposort before (dfs.visited ++ dfs.rest);
      in
      if dfs ? cycle then
        { cycle = reverseList ([ dfs.cycle ] ++ dfs.visited); inherit (dfs) loops; }
      else if sortedRest ? cycle then
        sortedRest
      else
        { result = [ dfs.minimal ] ++ sortedRest.result; };

  # Sort by a key computed once per element (stable for equal keys is not
  # guaranteed beyond builtins.sort's own stability).
  # sortOn :: (a -> b) -> [a] -> [a]
  # Example: sortOn builtins.stringLength [ "aaa" "b" "cc" ] => [ "b" "cc" "aaa" ]
  sortOn = f: list:
    map (p: p.v) (builtins.sort (a: b: a.k < b.k) (map (v: { inherit v; k = f v; }) list));

  # Lexicographic comparison of two lists using an element comparator that
  # returns -1, 0 or 1.
  # compareLists :: (a -> a -> Int) -> [a] -> [a] -> Int
  # Example: compareLists lib.compare [ 1 2 ] [ 1 3 ] => -1
  compareLists = cmp: a: b:
    let
      la = length a;
      lb = length b;
      go = i:
        if i == la then (if i == lb then 0 else -1)
        else if i == lb then 1
        else let r = cmp (elemAt a i) (elemAt b i); in if r == 0 then go (i + 1) else r;
    in
    go 0;

  # Sort strings so that embedded numbers compare numerically.
  # naturalSort :: [String] -> [String]
  # Example: naturalSort [ "disk11" "disk8" "disk100" "disk9" ] => [ "disk8" "disk9" "disk11" "disk100" ]
  naturalSort = list:
    let
      chunks = s: map (c: if builtins.isList c then lib.toIntBase10 (head c) else c) (builtins.split "([0-9]+)" s);
      keyed = map (s: { k = chunks s; v = s; }) list;
    in
    map (p: p.v) (builtins.sort (a: b: compareLists lib.compare a.k b.k < 0) keyed);

  # The first n elements.
  # take :: Int -> [a] -> [a]
  # Example: take 2 [ 1 2 3 ] => [ 1 2 ]
  take = n: sublist 0 n;

  # Everything but the first n elements.
  # drop :: Int -> [a] -> [a]
  # Example: drop 2 [ 1 2 3 ] => [ 3 ]
  drop = n: list: sublist n (length list) list;

  # count elements starting at index start (clipped to the list).
  # sublist :: Int -> Int -> [a] -> [a]
  # Example: sublist 1 2 [ 1 2 3 4 ] => [ 2 3 ]
  sublist = start: count: list:
    let
      len = length list;
      n = if start >= len then 0 else if start + count > len then len - start else count;
    in
    genList (i: elemAt list (start + i)) (if n < 0 then 0 else n);

  # The last element of a non-empty list.
  # last :: [a] -> a
  # Example: last [ 1 2 3 ] => 3
  last = list:
    assert lib.assertMsg (list != [ ]) "lists.last: list must not be empty!";
    elemAt list (length list - 1);

  # All but the last element of a non-empty list.
  # init :: [a] -> [a]
  # Example: init [ 1 2 3 ] => [ 1 2 ]
  init = list:
    assert lib.assertMsg (list != [ ]) "lists.init: list must not be empty!";
    take (length list - 1) list;

  # Remove duplicates, keeping the first occurrence of each element.
  # unique :: [a] -> [a]
  # Example: unique [ 3 2 3 4 ] => [ 3 2 4 ]
  unique = list:
    ifilter0 (i: x: let j = findFirstIndex (y: y == x) null list; in j == null || j == i) list;

  # Whether all elements are distinct.
  # allUnique :: [a] -> Bool
  # Example: allUnique [ 1 2 1 ] => false
  allUnique = list: length (unique list) == length list;

  # Elements of the second list that are not in the first.
  # subtractLists :: [a] -> [a] -> [a]
  # Example: subtractLists [ 3 2 ] [ 1 2 3 4 ] => [ 1 4 ]
  subtractLists = e: filter (x: !(elem x e));

  # Elements of the second list that are also in the first.
  # intersectLists :: [a] -> [a] -> [a]
  # Example: intersectLists [ 1 2 3 ] [ 6 3 2 ] => [ 3 2 ]
  intersectLists = e: filter (x: elem x e);

  # Whether two lists have no element in common.
  # mutuallyExclusive :: [a] -> [a] -> Bool
  # Example: mutuallyExclusive [ 1 2 ] [ 3 ] => true
  mutuallyExclusive = a: b: a == [ ] || !(builtins.any (x: elem x a) b);

  # Apply an n-ary function to every combination of the argument lists.
  # crossLists :: (a -> b -> ... -> c) -> [[a] [b] ...] -> [c]
  # Example: crossLists (x: y: "${toString x}${toString y}") [ [ 1 2 ] [ 3 4 ] ] => [ "13" "14" "23" "24" ]
  crossLists = f: builtins.foldl' (fs: args: concatMap (g: map g args) fs) [ f ];
}
