# Functions on attribute sets.
{ lib }:

let
  inherit (builtins) attrNames listToAttrs mapAttrs isAttrs length elemAt filter concatMap head;
in
rec {
  # Builtins re-exported under their usual names.
  # attrNames :: AttrSet -> [String]              Example: attrNames { b = 1; a = 2; } => [ "a" "b" ]
  # attrValues :: AttrSet -> [Any]                Example: attrValues { b = 1; a = 2; } => [ 2 1 ]
  # catAttrs :: String -> [AttrSet] -> [Any]      Example: catAttrs "a" [ { a = 1; } { } ] => [ 1 ]
  # listToAttrs :: [{ name; value; }] -> AttrSet  Example: listToAttrs [ { name = "a"; value = 1; } ] => { a = 1; }
  # mapAttrs :: (String -> a -> b) -> AttrSet -> AttrSet
  #   Example: mapAttrs (n: v: v + 1) { a = 1; } => { a = 2; }
  # zipAttrsWith :: (String -> [a] -> b) -> [AttrSet] -> AttrSet
  #   Example: zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; } ] => { a = [ 1 2 ]; }
  # intersectAttrs :: AttrSet -> AttrSet -> AttrSet
  #   Example: intersectAttrs { a = 0; } { a = 1; b = 2; } => { a = 1; }
  # removeAttrs :: AttrSet -> [String] -> AttrSet Example: removeAttrs { a = 1; b = 2; } [ "a" ] => { b = 2; }
  # getAttr :: String -> AttrSet -> Any           Example: getAttr "a" { a = 1; } => 1
  # hasAttr :: String -> AttrSet -> Bool          Example: hasAttr "a" { a = 1; } => true
  inherit (builtins) attrNames attrValues catAttrs listToAttrs mapAttrs zipAttrsWith intersectAttrs removeAttrs getAttr hasAttr;

  # Look up a nested attribute by path, falling back to a default.
  # attrByPath :: [String] -> Any -> AttrSet -> Any
  # Example: attrByPath [ "a" "b" ] 0 { a.b = 1; } => 1
  attrByPath = attrPath: default: set:
    let
      n = length attrPath;
      go = i: s:
        if i == n then s
        else let name = elemAt attrPath i; in
          if isAttrs s && s ? ${name} then go (i + 1) s.${name} else default;
    in
    go 0 set;

  # Whether a nested attribute path exists.
  # hasAttrByPath :: [String] -> AttrSet -> Bool
  # Example: hasAttrByPath [ "a" "c" ] { a.b = 1; } => false
  hasAttrByPath = attrPath: set:
    let
      n = length attrPath;
      go = i: s:
        i == n || (let name = elemAt attrPath i; in isAttrs s && s ? ${name} && go (i + 1) s.${name});
    in
    go 0 set;

  # A nested attribute set with the value at the given path.
  # setAttrByPath :: [String] -> Any -> AttrSet
  # Example: setAttrByPath [ "a" "b" ] 3 => { a = { b = 3; }; }
  setAttrByPath = attrPath: value:
    let
      n = length attrPath;
      go = i: if i == n then value else { ${elemAt attrPath i} = go (i + 1); };
    in
    go 0;

  # Look up a nested attribute by path; throws if it is missing.
  # getAttrFromPath :: [String] -> AttrSet -> Any
  # Example: getAttrFromPath [ "a" "b" ] { a.b = 1; } => 1
  getAttrFromPath = attrPath: set:
    attrByPath attrPath (throw "cannot find attribute '${builtins.concatStringsSep "." attrPath}'") set;

  # The values of the named attributes, in the order of the names.
  # attrVals :: [String] -> AttrSet -> [Any]
  # Example: attrVals [ "b" "a" ] { a = 1; b = 2; } => [ 2 1 ]
  attrVals = names: set: map (n: set.${n}) names;

  # The sub-set with just the named attributes (all must exist).
  # getAttrs :: [String] -> AttrSet -> AttrSet
  # Example: getAttrs [ "a" ] { a = 1; b = 2; } => { a = 1; }
  getAttrs = names: set: genAttrs names (n: set.${n});

  # An attribute set with an attribute per name, valued by f.
  # genAttrs :: [String] -> (String -> Any) -> AttrSet
  # Example: genAttrs [ "a" "b" ] (n: "x_" + n) => { a = "x_a"; b = "x_b"; }
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);

  # The set if the condition holds, else the empty set.
  # optionalAttrs :: Bool -> AttrSet -> AttrSet
  # Example: optionalAttrs false { a = 1; } => { }
  optionalAttrs = cond: set: if cond then set else { };

  # Keep the attributes for which pred name value holds.
  # filterAttrs :: (String -> Any -> Bool) -> AttrSet -> AttrSet
  # Example: filterAttrs (n: v: v > 1) { a = 1; b = 2; } => { b = 2; }
  filterAttrs = pred: set:
    builtins.removeAttrs set (filter (n: !(pred n set.${n})) (attrNames set));

  # filterAttrs, also applied inside nested attribute sets.
  # filterAttrsRecursive :: (String -> Any -> Bool) -> AttrSet -> AttrSet
  # Example: filterAttrsRecursive (n: v: v != null) { a.b = null; c = 1; } => { a = { }; c = 1; }
  filterAttrsRecursive = pred: set:
    listToAttrs (concatMap
      (n:
        let v = set.${n}; in
        if pred n v then [ (nameValuePair n (if isAttrs v then filterAttrsRecursive pred v else v)) ] else [ ])
      (attrNames set));

  # Strict left fold over the attributes in name order.
  # foldlAttrs :: (b -> String -> a -> b) -> b -> AttrSet -> b
  # Example: foldlAttrs (acc: n: v: acc + v) 0 { a = 1; b = 2; } => 3
  foldlAttrs = f: init: set:
    builtins.foldl' (acc: n: f acc n set.${n}) init (attrNames set);

  # Right-fold the values of equally named attributes across a list of sets.
  # foldAttrs :: (a -> b -> b) -> b -> [AttrSet] -> AttrSet
  # Example: foldAttrs (x: acc: [ x ] ++ acc) [ ] [ { a = 2; } { a = 3; b = 1; } ] => { a = [ 2 3 ]; b = [ 1 ]; }
  foldAttrs = op: nul: list:
    zipAttrsWith (n: values: lib.foldr op nul values) list;

  # A { name; value; } pair, as expected by listToAttrs.
  # nameValuePair :: String -> a -> { name :: String; value :: a; }
  # Example: nameValuePair "a" 1 => { name = "a"; value = 1; }
  nameValuePair = name: value: { inherit name value; };

  # Map each attribute to a new { name; value; } pair.
  # mapAttrs' :: (String -> Any -> { name :: String; value :: Any; }) -> AttrSet -> AttrSet
  # Example: mapAttrs' (n: v: nameValuePair ("x" + n) v) { a = 1; } => { xa = 1; }
  mapAttrs' = f: set: listToAttrs (map (n: f n set.${n}) (attrNames set));

  # Map each attribute to a list element, in name order.
  # mapAttrsToList :: (String -> a -> b) -> AttrSet -> [b]
  # Example: mapAttrsToList (n: v: n + v) { a = "x"; b = "y"; } => [ "ax" "by" ]
  mapAttrsToList = f: set: map (n: f n set.${n}) (attrNames set);

  # Deprecated alias of mapAttrsToList.
  # mapAttrsFlatten :: (String -> a -> b) -> AttrSet -> [b]
  mapAttrsFlatten = mapAttrsToList;

  # The attributes as a list of { name; value; } pairs.
  # attrsToList :: AttrSet -> [{ name :: String; value :: Any; }]
  # Example: attrsToList { a = 1; } => [ { name = "a"; value = 1; } ]
  attrsToList = mapAttrsToList nameValuePair;

  # Map the leaves of nested attribute sets; f gets the attribute path.
  # mapAttrsRecursive :: ([String] -> a -> b) -> AttrSet -> AttrSet
  # Example: mapAttrsRecursive (p: v: builtins.concatStringsSep "." p) { a.b = 1; } => { a = { b = "a.b"; }; }
  mapAttrsRecursive = mapAttrsRecursiveCond (_: true);

  # Like mapAttrsRecursive, but only descends into sets for which cond holds;
  # other sets are passed to f as leaves.
  # mapAttrsRecursiveCond :: (AttrSet -> Bool) -> ([String] -> a -> b) -> AttrSet -> AttrSet
  # Example: mapAttrsRecursiveCond (s: !(s ? stop)) (p: v: 0) { a.stop = 1; } => { a = 0; }
  mapAttrsRecursiveCond = cond: f: set:
    let
      walk = path: mapAttrs (n: v:
        let p = path ++ [ n ]; in
        if isAttrs v && cond v then walk p v else f p v);
    in
    walk [ ] set;

  # Map each attribute to an attribute set and merge them (later names win).
  # concatMapAttrs :: (String -> a -> AttrSet) -> AttrSet -> AttrSet
  # Example: concatMapAttrs (n: v: { ${n} = v; "${n}2" = v * 2; }) { a = 1; } => { a = 1; a2 = 2; }
  concatMapAttrs = f: set: mergeAttrsList (mapAttrsToList f set);

  # Merge a list of attribute sets; later sets win. Linear in the total size.
  # mergeAttrsList :: [AttrSet] -> AttrSet
  # Example: mergeAttrsList [ { a = 1; } { a = 2; b = 3; } ] => { a = 2; b = 3; }
  mergeAttrsList = list:
    listToAttrs (concatMap attrsToList (lib.reverseList list));

  # Deep merge of two sets; values of the right side win, except that
  # nested sets present on both sides are merged.
  # recursiveUpdate :: AttrSet -> AttrSet -> AttrSet
  # Example: recursiveUpdate { a.b = 1; a.c = 2; } { a.b = 3; } => { a = { b = 3; c = 2; }; }
  recursiveUpdate = recursiveUpdateUntil (path: l: r: !(isAttrs l && isAttrs r));

  # Deep merge that stops (taking the right value) wherever
  # pred path leftValue rightValue holds.
  # recursiveUpdateUntil :: ([String] -> AttrSet -> AttrSet -> Bool) -> AttrSet -> AttrSet -> AttrSet
  # Example: recursiveUpdateUntil (p: l: r: p == [ "a" ]) { a.b = 1; } { a.c = 2; } => { a = { c = 2; }; }
  recursiveUpdateUntil = pred: lhs: rhs:
    let
      merge = path: l: r:
        l // mapAttrs
          (n: rv:
            let p = path ++ [ n ]; in
            if l ? ${n} && !(pred p l.${n} rv) then merge p l.${n} rv else rv)
          r;
    in
    merge [ ] lhs rhs;

  # Merge a list of sets into a set of lists of values.
  # zipAttrs :: [AttrSet] -> AttrSet
  # Example: zipAttrs [ { a = 1; } { a = 2; b = 3; } ] => { a = [ 1 2 ]; b = [ 3 ]; }
  zipAttrs = zipAttrsWith (n: values: values);

  # zipAttrsWith restricted to the given names (names missing everywhere get []).
  # zipAttrsWithNames :: [String] -> (String -> [a] -> b) -> [AttrSet] -> AttrSet
  # Example: zipAttrsWithNames [ "a" ] (n: vs: vs) [ { a = 1; b = 2; } ] => { a = [ 1 ]; }
  zipAttrsWithNames = names: f: sets:
    listToAttrs (map (n: nameValuePair n (f n (builtins.catAttrs n sets))) names);

  # All values (recursively, depth first) satisfying pred; does not descend
  # into values that satisfy it.
  # collect :: (Any -> Bool) -> AttrSet -> [Any]
  # Example: collect builtins.isInt { a = 1; b.c = 2; d = "x"; } => [ 1 2 ]
  collect = pred: v:
    if pred v then [ v ]
    else if isAttrs v then concatMap (collect pred) (builtins.attrValues v)
    else [ ];

  # Whether a value is a derivation (type = "derivation").
  # isDerivation :: Any -> Bool
  # Example: isDerivation { type = "derivation"; } => true
  isDerivation = v: isAttrs v && (v.type or null) == "derivation";

  # A fake derivation wrapping an existing store path.
  # toDerivation :: Path -> Derivation
  # Example: (toDerivation "/nix/store/...-hello").outPath => "/nix/store/...-hello"
  toDerivation = path:
    let
      path' = builtins.storePath path;
      drv = {
        type = "derivation";
        name = lib.sanitizeDerivationName (builtins.substring 33 (-1) (builtins.baseNameOf path'));
        outPath = path';
        outputs = [ "out" ];
        out = drv;
        outputName = "out";
      };
    in
    drv;

  # Whether every attribute of the pattern is present and equal in the set
  # (recursively for nested pattern sets).
  # matchAttrs :: AttrSet -> AttrSet -> Bool
  # Example: matchAttrs { cpu.bits = 64; } { cpu = { bits = 64; name = "x"; }; } => true
  matchAttrs = pattern: set:
    assert isAttrs pattern;
    builtins.all
      (n:
        set ? ${n} && (
          let p = pattern.${n}; v = set.${n}; in
          if isAttrs p then isAttrs v && matchAttrs p v else p == v))
      (attrNames pattern);

  # Replace the values of `old` whose names exist in `new`; names only in
  # `new` are ignored.
  # overrideExisting :: AttrSet -> AttrSet -> AttrSet
  # Example: overrideExisting { a = 1; } { a = 2; b = 3; } => { a = 2; }
  overrideExisting = old: new: mapAttrs (n: v: new.${n} or v) old;

  # Union of two sets; accessing a name present in both throws.
  # unionOfDisjoint :: AttrSet -> AttrSet -> AttrSet
  # Example: unionOfDisjoint { a = 1; } { b = 2; } => { a = 1; b = 2; }
  unionOfDisjoint = x: y:
    let
      both = builtins.intersectAttrs x y;
      names = builtins.concatStringsSep ", " (attrNames both);
    in
    x // y // mapAttrs (n: _: throw "unionOfDisjoint: collision on ${n}; complete list: ${names}") both;

  # Mark a set so that tools recurse into it looking for derivations.
  # recurseIntoAttrs :: AttrSet -> AttrSet
  # Example: recurseIntoAttrs { } => { recurseForDerivations = true; }
  recurseIntoAttrs = set: set // { recurseForDerivations = true; };

  # Mark a set so that tools do not recurse into it.
  # dontRecurseIntoAttrs :: AttrSet -> AttrSet
  # Example: dontRecurseIntoAttrs { } => { recurseForDerivations = false; }
  dontRecurseIntoAttrs = set: set // { recurseForDerivations = false; };

  # The given output of a package if it has it (and no output was chosen
  # explicitly), else its `out`, else the package itself.
  # getOutput :: String -> Derivation -> Derivation
  # Example: getOutput "dev" { dev = "d"; out = "o"; } => "d"
  getOutput = output: pkg:
    if pkg.outputSpecified or false then pkg else pkg.${output} or pkg.out or pkg;

  # getOutput for the usual outputs.
  # getBin :: Derivation -> Derivation     Example: getBin { bin = "b"; } => "b"
  getBin = getOutput "bin";
  # getLib :: Derivation -> Derivation     Example: getLib { lib = "l"; out = "o"; } => "l"
  getLib = getOutput "lib";
  # getDev :: Derivation -> Derivation     Example: getDev { out = "o"; } => "o"
  getDev = getOutput "dev";
  # getMan :: Derivation -> Derivation     Example: getMan { man = "m"; } => "m"
  getMan = getOutput "man";

  # Every combination of one value from each list, as attribute sets.
  # cartesianProduct :: { ${String} :: [a]; } -> [{ ${String} :: a; }]
  # Example: cartesianProduct { a = [ 1 2 ]; b = [ 3 ]; } => [ { a = 1; b = 3; } { a = 2; b = 3; } ]
  cartesianProduct = setOfLists:
    builtins.foldl'
      (acc: n: concatMap (partial: map (v: partial // { ${n} = v; }) setOfLists.${n}) acc)
      [ { } ]
      (attrNames setOfLists);

  # Older name of cartesianProduct.
  # cartesianProductOfSets :: { ${String} :: [a]; } -> [{ ${String} :: a; }]
  cartesianProductOfSets = cartesianProduct;

  # Apply a list of { path; update; } edits to a value, in order; `update`
  # gets the old value at the path (missing parents are created).
  # updateManyAttrsByPath :: [{ path :: [String]; update :: Any -> Any; }] -> Any -> Any
  # Reading the old value of a missing path throws.
  # Example: updateManyAttrsByPath [ { path = [ "a" "b" ]; update = old: old + 1; } ] { a.b = 1; } => { a = { b = 2; }; }
  updateManyAttrsByPath = updates: value:
    builtins.foldl'
      (acc: u:
        let
          n = length u.path;
          where = builtins.concatStringsSep "." u.path;
          # `exists` tells whether `v` is really at this position; missing
          # parents become empty sets, a missing leaf throws when read.
          go = i: exists: v:
            if i == n then u.update (if exists then v else throw "updateManyAttrsByPath: path '${where}' does not exist")
            else if exists && !isAttrs v then throw "updateManyAttrsByPath: path '${where}' goes through a non-attribute set"
            else
              let name = elemAt u.path i; base = if exists then v else { }; in
              base // { ${name} = go (i + 1) (base ? ${name}) (base.${name} or null); };
        in
        go 0 true acc)
      value
      updates;
}
