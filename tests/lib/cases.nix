# Unit tests for <sysrebuild/lib>, in the style of lib.runTests:
# every attribute `testName = { expr = ...; expected = ...; }` must have
# expr == expected. Run by tests/lib.rs under sysrebuild and Nix 2.8.
# Values are kept JSON-printable (no functions or paths in expr/expected).
let
  lib = import <sysrebuild/lib>;
  fails = v: !(builtins.tryEval (builtins.deepSeq v v)).success;
in
with lib;
{
  # ---------------------------------------------------------------- trivial
  testId = { expr = id 3; expected = 3; };
  testConst = { expr = const 1 "x"; expected = 1; };
  testPipe = { expr = pipe 2 [ (x: x + 1) (x: x * 3) ]; expected = 9; };
  testPipeEmpty = { expr = pipe 5 [ ]; expected = 5; };
  testPipeStrings = { expr = pipe [ 1 2 ] [ (map toString) (concatStringsSep "-") ]; expected = "1-2"; };
  testFlip = { expr = flip builtins.sub 1 10; expected = 9; };
  testConcat = { expr = concat [ 1 ] [ 2 3 ]; expected = [ 1 2 3 ]; };
  testOr = { expr = [ (lib.or false false) (lib.or false true) (lib.or true false) ]; expected = [ false true true ]; };
  testAnd = { expr = [ (and true true) (and true false) (and false false) ]; expected = [ true false false ]; };
  testXor = { expr = [ (xor true true) (xor true false) (xor false true) (xor false false) ]; expected = [ false true true false ]; };
  testBitAnd = { expr = bitAnd 12 10; expected = 8; };
  testBitOr = { expr = bitOr 12 10; expected = 14; };
  testBitXor = { expr = bitXor 12 10; expected = 6; };
  testBitNot = { expr = [ (bitNot 0) (bitNot 5) ]; expected = [ (-1) (-6) ]; };
  testBoolToString = { expr = [ (boolToString true) (boolToString false) ]; expected = [ "true" "false" ]; };
  testMergeAttrs = { expr = mergeAttrs { a = 1; b = 1; } { a = 2; c = 3; }; expected = { a = 2; b = 1; c = 3; }; };
  testDefaultTo = { expr = [ (defaultTo 1 null) (defaultTo 1 2) (defaultTo 1 false) ]; expected = [ 1 2 false ]; };
  testMapNullable = { expr = [ (mapNullable (x: x + 1) null) (mapNullable (x: x + 1) 1) ]; expected = [ null 2 ]; };
  testMin = { expr = [ (min 2 5) (min 5 2) (min "b" "a") ]; expected = [ 2 2 "a" ]; };
  testMax = { expr = [ (max 2 5) (max 5 2) (max 1.5 1) ]; expected = [ 5 5 1.5 ]; };
  testMod = { expr = [ (mod 11 4) (mod (-11) 4) (mod 8 4) (mod 3 10) ]; expected = [ 3 (-3) 0 3 ]; };
  testCompare = { expr = [ (compare 1 2) (compare 2 2) (compare 3 2) (compare "b" "a") ]; expected = [ (-1) 0 1 1 ]; };
  testSplitByAndCompare = {
    expr = sort (a: b: splitByAndCompare (hasPrefix "x") compare compare a b < 0) [ "b" "xb" "a" "xa" ];
    expected = [ "xa" "xb" "a" "b" ];
  };
  testLessThan = { expr = [ (lessThan 1 2) (lessThan 2 1) ]; expected = [ true false ]; };
  testArith = { expr = [ (add 1 2) (sub 5 2) (mul 2 3) (div 7 2) (inc 1) (dec 1) ]; expected = [ 3 3 6 3 2 0 ]; };
  testSeq = { expr = seq 1 2; expected = 2; };
  testDeepSeq = { expr = deepSeq { a = [ 1 ]; } "ok"; expected = "ok"; };
  testDeepSeqThrows = { expr = fails (deepSeq { a = [ (throw "x") ]; } 1); expected = true; };
  testWarnIfFalse = { expr = warnIf false "never" 1; expected = 1; };
  testWarnIfNotTrue = { expr = warnIfNot true "never" 1; expected = 1; };
  testThrowIf = { expr = [ (throwIf false "bad" 1) (fails (throwIf true "bad" 1)) ]; expected = [ 1 true ]; };
  testThrowIfNot = { expr = [ (throwIfNot true "bad" 1) (fails (throwIfNot false "bad" 1)) ]; expected = [ 1 true ]; };
  testShowWarningsNone = { expr = showWarnings [ ] 7; expected = 7; };
  testInNixShell = { expr = inNixShell; expected = false; };
  testIsFunction = {
    expr = [ (isFunction (x: x)) (isFunction builtins.map) (isFunction { __functor = self: x: x; }) (isFunction { }) (isFunction 1) ];
    expected = [ true true true false false ];
  };
  testFunctionArgs = { expr = functionArgs ({ a, b ? 1 }: a); expected = { a = false; b = true; }; };
  testFunctionArgsPlain = { expr = functionArgs (x: x); expected = { }; };
  testSetFunctionArgs = {
    expr = let f = setFunctionArgs (args: args.a + 1) { a = false; }; in [ (functionArgs f) (f { a = 1; }) ];
    expected = [ { a = false; } 2 ];
  };
  testFunctionArgsFunctor = { expr = functionArgs { __functor = self: { x ? 1 }: x; }; expected = { x = true; }; };
  testMirrorFunctionArgs = {
    expr = let g = mirrorFunctionArgs ({ x, y ? 2 }: x) (args: args.x * 10); in [ (functionArgs g) (g { x = 3; }) ];
    expected = [ { x = false; y = true; } 30 ];
  };
  testToFunction = { expr = [ (toFunction 5 null) (toFunction (x: x + 1) 1) ]; expected = [ 5 2 ]; };
  testToHexString = { expr = [ (toHexString 255) (toHexString 0) (toHexString 4096) ]; expected = [ "FF" "0" "1000" ]; };
  testToBaseDigits = { expr = [ (toBaseDigits 2 6) (toBaseDigits 10 0) (toBaseDigits 16 255) ]; expected = [ [ 1 1 0 ] [ 0 ] [ 15 15 ] ]; };
  testVersion = { expr = [ version trivial.release ]; expected = [ "sysrebuild" "sysrebuild" ]; };
  testImportJSON = { expr = importJSON ./data/sample.json; expected = { a = 1; b = [ true null "x" ]; }; };
  testImportTOML = { expr = importTOML ./data/sample.toml; expected = { name = "x"; section = { n = 2; }; }; };

  # ----------------------------------------------------------- fixed points
  testFix = { expr = fix (self: { a = 1; b = self.a + 1; }); expected = { a = 1; b = 2; }; };
  testFixPrime = { expr = let x = fix' (self: { a = 1; b = self.a + 1; }); in [ x.b (x.__unfix__ { a = 10; }).b ]; expected = [ 2 11 ]; };
  testConverge = { expr = converge (x: if x > 10 then x else x + 3) 0; expected = 12; };
  testExtends = {
    expr = fix (extends (final: prev: { b = prev.a + 1; c = final.b * 2; }) (self: { a = 1; }));
    expected = { a = 1; b = 2; c = 4; };
  };
  testComposeExtensions = {
    expr = fix (extends (composeExtensions (final: prev: { a = prev.a + 1; }) (final: prev: { b = prev.a * 10; })) (self: { a = 1; }));
    expected = { a = 2; b = 20; };
  };
  testComposeManyExtensions = {
    expr = fix (extends (composeManyExtensions [
      (final: prev: { l = prev.l ++ [ 1 ]; })
      (final: prev: { l = prev.l ++ [ 2 ]; })
      (final: prev: { l = prev.l ++ [ 3 ]; })
    ]) (self: { l = [ 0 ]; }));
    expected = { l = [ 0 1 2 3 ]; };
  };
  testComposeManyExtensionsEmpty = { expr = fix (extends (composeManyExtensions [ ]) (self: { a = 1; })); expected = { a = 1; }; };
  testMakeExtensible = {
    expr = let x = makeExtensible (self: { a = 1; b = self.a + 1; }); in [ x.a x.b ];
    expected = [ 1 2 ];
  };
  testMakeExtensibleOverride = {
    expr = let x = (makeExtensible (self: { a = 1; b = self.a + 1; })).extend (final: prev: { a = prev.a + 10; }); in { inherit (x) a b; };
    expected = { a = 11; b = 12; };
  };
  testMakeExtensibleTwice = {
    expr = let
      x = makeExtensible (self: { a = 1; b = self.a + 1; });
      y = (x.extend (f: p: { a = 5; })).extend (f: p: { b = p.b * 100; c = f.b; });
    in { inherit (y) a b c; };
    expected = { a = 5; b = 600; c = 600; };
  };
  testMakeExtensibleCustomName = {
    expr = ((makeExtensibleWithCustomName "over" (self: { a = 1; })).over (f: p: { a = 3; })).a;
    expected = 3;
  };
  testToExtensionSet = { expr = fix (extends (toExtension { b = 2; }) (self: { a = 1; })); expected = { a = 1; b = 2; }; };
  testToExtensionPrev = { expr = fix (extends (toExtension (prev: { a = prev.a + 1; })) (self: { a = 1; })); expected = { a = 2; }; };
  testLibExtend = { expr = (lib.extend (final: prev: { answer = 42; double = x: 2 * x; })).double 21; expected = 42; };
  testLibExtendSeesFinal = {
    expr = (lib.extend (final: prev: { id = x: x + 1; })).trivial.pipe 1 [ (lib.extend (f: p: { })).id ];
    expected = 1;
  };

  # --------------------------------------------------------------- attrsets
  testMapAttrs = { expr = mapAttrs (n: v: n + toString v) { a = 1; b = 2; }; expected = { a = "a1"; b = "b2"; }; };
  testMapAttrsPrime = { expr = mapAttrs' (n: v: nameValuePair ("x_" + n) (v * 2)) { a = 1; b = 2; }; expected = { x_a = 2; x_b = 4; }; };
  testMapAttrsPrimeCollision = { expr = mapAttrs' (n: v: nameValuePair "k" v) { a = 1; b = 2; }; expected = { k = 1; }; };
  testMapAttrsToList = { expr = mapAttrsToList (n: v: n + "=" + v) { b = "2"; a = "1"; }; expected = [ "a=1" "b=2" ]; };
  testMapAttrsToListEmpty = { expr = mapAttrsToList (n: v: v) { }; expected = [ ]; };
  testAttrsToList = { expr = attrsToList { b = 2; a = 1; }; expected = [ { name = "a"; value = 1; } { name = "b"; value = 2; } ]; };
  testMapAttrsRecursive = {
    expr = mapAttrsRecursive (path: v: concatStringsSep "." path + ":" + toString v) { a = { b = 1; c.d = 2; }; e = 3; };
    expected = { a = { b = "a.b:1"; c = { d = "a.c.d:2"; }; }; e = "e:3"; };
  };
  testMapAttrsRecursiveCond = {
    expr = mapAttrsRecursiveCond (s: !(s ? stop)) (path: v: length path) { a = { stop = 1; }; b.c = 5; };
    expected = { a = 1; b = { c = 2; }; };
  };
  testFilterAttrs = { expr = filterAttrs (n: v: n != "a" && v > 1) { a = 5; b = 1; c = 3; }; expected = { c = 3; }; };
  testFilterAttrsEmpty = { expr = filterAttrs (n: v: true) { }; expected = { }; };
  testFilterAttrsRecursive = {
    expr = filterAttrsRecursive (n: v: v != null) { a = { b = null; c = 1; }; d = null; e = [ null ]; };
    expected = { a = { c = 1; }; e = [ null ]; };
  };
  testAttrByPath = { expr = [ (attrByPath [ "a" "b" ] 0 { a.b = 1; }) (attrByPath [ "a" "x" ] 0 { a.b = 1; }) (attrByPath [ ] 0 { a = 1; }) ]; expected = [ 1 0 { a = 1; } ]; };
  testAttrByPathThroughNonSet = { expr = attrByPath [ "a" "b" ] "d" { a = 1; }; expected = "d"; };
  testHasAttrByPath = {
    expr = [ (hasAttrByPath [ "a" "b" ] { a.b = null; }) (hasAttrByPath [ "a" "c" ] { a.b = 1; }) (hasAttrByPath [ ] { }) (hasAttrByPath [ "a" "b" ] { a = 1; }) ];
    expected = [ true false true false ];
  };
  testSetAttrByPath = { expr = setAttrByPath [ "a" "b" "c" ] 3; expected = { a = { b = { c = 3; }; }; }; };
  testSetAttrByPathEmpty = { expr = setAttrByPath [ ] 3; expected = 3; };
  testGetAttrFromPath = { expr = getAttrFromPath [ "a" "b" ] { a.b = "x"; }; expected = "x"; };
  testGetAttrFromPathMissing = { expr = fails (getAttrFromPath [ "a" "c" ] { a.b = "x"; }); expected = true; };
  testAttrVals = { expr = attrVals [ "b" "a" ] { a = 1; b = 2; c = 3; }; expected = [ 2 1 ]; };
  testAttrValues = { expr = attrValues { b = 1; a = 2; }; expected = [ 2 1 ]; };
  testGetAttrs = { expr = getAttrs [ "a" "c" ] { a = 1; b = 2; c = 3; }; expected = { a = 1; c = 3; }; };
  testCatAttrs = { expr = catAttrs "a" [ { a = 1; } { b = 0; } { a = 2; } ]; expected = [ 1 2 ]; };
  testGenAttrs = { expr = genAttrs [ "foo" "bar" ] (n: "x_" + n); expected = { foo = "x_foo"; bar = "x_bar"; }; };
  testGenAttrsEmpty = { expr = genAttrs [ ] (n: n); expected = { }; };
  testOptionalAttrs = { expr = [ (optionalAttrs true { a = 1; }) (optionalAttrs false { a = 1; }) ]; expected = [ { a = 1; } { } ]; };
  testFoldlAttrs = { expr = foldlAttrs (acc: n: v: acc ++ [ "${n}${toString v}" ]) [ ] { b = 2; a = 1; }; expected = [ "a1" "b2" ]; };
  testFoldlAttrsEmpty = { expr = foldlAttrs (acc: n: v: acc + v) 7 { }; expected = 7; };
  testFoldAttrs = {
    expr = foldAttrs (item: acc: [ item ] ++ acc) [ ] [ { a = 2; } { a = 3; b = 1; } ];
    expected = { a = [ 2 3 ]; b = [ 1 ]; };
  };
  testFoldAttrsSum = { expr = foldAttrs builtins.add 0 [ { a = 1; b = 2; } { a = 10; } ]; expected = { a = 11; b = 2; }; };
  testNameValuePair = { expr = nameValuePair "a" 1; expected = { name = "a"; value = 1; }; };
  testListToAttrsFirstWins = { expr = listToAttrs [ (nameValuePair "a" 1) (nameValuePair "a" 2) ]; expected = { a = 1; }; };
  testRecursiveUpdate = {
    expr = recursiveUpdate { a = { b = 1; c = 2; }; d = 1; } { a = { b = 3; }; e = 4; };
    expected = { a = { b = 3; c = 2; }; d = 1; e = 4; };
  };
  testRecursiveUpdateDeep = {
    expr = recursiveUpdate { a.b.c.d = 1; a.b.x = 0; } { a.b.c.e = 2; a.y = 3; };
    expected = { a = { b = { c = { d = 1; e = 2; }; x = 0; }; y = 3; }; };
  };
  testRecursiveUpdateReplaceNonSet = {
    expr = [ (recursiveUpdate { a = 1; } { a.b = 2; }) (recursiveUpdate { a.b = 2; } { a = 1; }) (recursiveUpdate { a = [ 1 ]; } { a = [ 2 ]; }) ];
    expected = [ { a = { b = 2; }; } { a = 1; } { a = [ 2 ]; } ];
  };
  testRecursiveUpdateEmpty = { expr = [ (recursiveUpdate { } { a = 1; }) (recursiveUpdate { a = 1; } { }) ]; expected = [ { a = 1; } { a = 1; } ]; };
  testRecursiveUpdateUntil = {
    expr = recursiveUpdateUntil (path: l: r: path == [ "foo" ]) { foo.bar = 1; foo.baz = 2; bar = 3; } { foo.bar = 1; foo.quz = 2; baz = 4; };
    expected = { foo = { bar = 1; quz = 2; }; bar = 3; baz = 4; };
  };
  testZipAttrsWith = {
    expr = zipAttrsWith (n: vs: if n == "a" then vs else length vs) [ { a = 1; b = 1; } { a = 2; } { c = 1; } ];
    expected = { a = [ 1 2 ]; b = 1; c = 1; };
  };
  testZipAttrs = { expr = zipAttrs [ { a = 1; } { a = 2; b = 3; } ]; expected = { a = [ 1 2 ]; b = [ 3 ]; }; };
  testZipAttrsEmpty = { expr = zipAttrs [ ]; expected = { }; };
  testZipAttrsWithNames = { expr = zipAttrsWithNames [ "a" "z" ] (n: vs: vs) [ { a = 1; b = 2; } { a = 3; } ]; expected = { a = [ 1 3 ]; z = [ ]; }; };
  testCollect = { expr = collect isInt { a = 1; b = { c = 2; d = "x"; }; e = [ 3 ]; }; expected = [ 1 2 ]; };
  testCollectSets = {
    expr = collect (x: x ? outPath) { a = { outPath = "a"; }; b = { c = { outPath = "c"; }; }; };
    expected = [ { outPath = "a"; } { outPath = "c"; } ];
  };
  testIsDerivation = {
    expr = [ (isDerivation { type = "derivation"; }) (isDerivation { type = "other"; }) (isDerivation { }) (isDerivation "x") ];
    expected = [ true false false false ];
  };
  testConcatMapAttrs = {
    expr = concatMapAttrs (n: v: { ${n} = v; "${n}2" = v * 2; }) { a = 1; b = 2; };
    expected = { a = 1; a2 = 2; b = 2; b2 = 4; };
  };
  testConcatMapAttrsLaterWins = { expr = concatMapAttrs (n: v: { k = v; }) { a = 1; b = 2; }; expected = { k = 2; }; };
  testMergeAttrsList = { expr = mergeAttrsList [ { a = 1; b = 1; } { a = 2; } { c = 3; } ]; expected = { a = 2; b = 1; c = 3; }; };
  testMergeAttrsListEmpty = { expr = mergeAttrsList [ ]; expected = { }; };
  testUnionOfDisjoint = { expr = unionOfDisjoint { a = 1; } { b = 2; }; expected = { a = 1; b = 2; }; };
  testUnionOfDisjointCollision = {
    expr = let u = unionOfDisjoint { a = 1; b = 1; } { b = 2; }; in [ u.a (fails u.b) ];
    expected = [ 1 true ];
  };
  testMatchAttrs = {
    expr = [
      (matchAttrs { cpu.bits = 64; } { cpu = { bits = 64; name = "x"; }; os = "linux"; })
      (matchAttrs { cpu.bits = 32; } { cpu.bits = 64; })
      (matchAttrs { a = 1; } { })
      (matchAttrs { } { a = 1; })
      (matchAttrs { a.b = 1; } { a = 1; })
    ];
    expected = [ true false false true false ];
  };
  testOverrideExisting = { expr = overrideExisting { a = 1; b = 2; } { a = 3; c = 4; }; expected = { a = 3; b = 2; }; };
  testRecurseIntoAttrs = { expr = recurseIntoAttrs { a = 1; }; expected = { a = 1; recurseForDerivations = true; }; };
  testDontRecurseIntoAttrs = { expr = dontRecurseIntoAttrs { }; expected = { recurseForDerivations = false; }; };
  testGetOutput = {
    expr = [ (getOutput "dev" { dev = "d"; out = "o"; }) (getOutput "dev" { out = "o"; }) (getOutput "dev" "plain") ];
    expected = [ "d" "o" "plain" ];
  };
  testGetOutputSpecified = { expr = (getOutput "dev" { dev = "d"; outputSpecified = true; name = "p"; }).name; expected = "p"; };
  testGetBinLibDevMan = {
    expr = let p = { bin = "b"; lib = "l"; dev = "d"; man = "m"; out = "o"; }; in [ (getBin p) (getLib p) (getDev p) (getMan p) (getBin { out = "o"; }) ];
    expected = [ "b" "l" "d" "m" "o" ];
  };
  testCartesianProduct = {
    expr = cartesianProduct { a = [ 1 2 ]; b = [ 10 20 ]; };
    expected = [ { a = 1; b = 10; } { a = 1; b = 20; } { a = 2; b = 10; } { a = 2; b = 20; } ];
  };
  testCartesianProductEmptyList = { expr = cartesianProduct { a = [ 1 ]; b = [ ]; }; expected = [ ]; };
  testCartesianProductEmptySet = { expr = cartesianProductOfSets { }; expected = [ { } ]; };
  testUpdateManyAttrsByPath = {
    expr = updateManyAttrsByPath [
      { path = [ "a" "b" ]; update = old: old + 1; }
      { path = [ "a" "b" ]; update = old: old * 10; }
      { path = [ "c" "d" ]; update = old: "new"; }
    ] { a = { b = 1; x = 0; }; };
    expected = { a = { b = 20; x = 0; }; c = { d = "new"; }; };
  };
  testUpdateManyAttrsByPathRoot = { expr = updateManyAttrsByPath [ { path = [ ]; update = old: old // { z = 1; }; } ] { a = 1; }; expected = { a = 1; z = 1; }; };
  testUpdateManyAttrsByPathMissing = { expr = fails (updateManyAttrsByPath [ { path = [ "a" ]; update = old: old + 1; } ] { }); expected = true; };
  testAttrNames = { expr = attrNames { b = 1; a = 2; "0" = 3; }; expected = [ "0" "a" "b" ]; };
  testIntersectAttrs = { expr = intersectAttrs { a = 0; } { a = 1; b = 2; }; expected = { a = 1; }; };

  # ------------------------------------------------------------------ lists
  testOptional = { expr = [ (optional true 1) (optional false 1) ]; expected = [ [ 1 ] [ ] ]; };
  testOptionals = { expr = [ (optionals true [ 1 2 ]) (optionals false [ 1 2 ]) ]; expected = [ [ 1 2 ] [ ] ]; };
  testToList = { expr = [ (toList 1) (toList [ 1 ]) (toList [ ]) (toList null) ]; expected = [ [ 1 ] [ 1 ] [ ] [ null ] ]; };
  testSingleton = { expr = singleton "a"; expected = [ "a" ]; };
  testForEach = { expr = forEach [ 1 2 ] (x: x * 10); expected = [ 10 20 ]; };
  testFlatten = { expr = flatten [ 1 [ 2 [ 3 [ ] ] ] [ [ [ 4 ] ] ] ]; expected = [ 1 2 3 4 ]; };
  testFlattenNonList = { expr = [ (flatten 1) (flatten [ ]) ]; expected = [ [ 1 ] [ ] ]; };
  testUnique = { expr = unique [ 3 2 3 4 2 1 ]; expected = [ 3 2 4 1 ]; };
  testUniqueEmpty = { expr = unique [ ]; expected = [ ]; };
  testUniqueSets = { expr = unique [ { a = 1; } { a = 1; } [ 1 ] [ 1 ] "x" ]; expected = [ { a = 1; } [ 1 ] "x" ]; };
  testAllUnique = { expr = [ (allUnique [ 1 2 3 ]) (allUnique [ 1 2 1 ]) (allUnique [ ]) ]; expected = [ true false true ]; };
  testImap0 = { expr = imap0 (i: v: "${v}-${toString i}") [ "a" "b" ]; expected = [ "a-0" "b-1" ]; };
  testImap1 = { expr = imap1 (i: v: "${v}-${toString i}") [ "a" "b" ]; expected = [ "a-1" "b-2" ]; };
  testIfilter0 = { expr = ifilter0 (i: v: i == 0 || v > 2) [ 1 2 3 0 ]; expected = [ 1 3 ]; };
  testConcatMap = { expr = concatMap (x: [ x x ]) [ 1 2 ]; expected = [ 1 1 2 2 ]; };
  testFoldl = { expr = foldl (acc: x: acc + x) "" [ "a" "b" "c" ]; expected = "abc"; };
  testFoldlOrder = { expr = foldl (acc: x: [ acc x ]) 0 [ 1 2 ]; expected = [ [ 0 1 ] 2 ]; };
  testFoldlLazy = { expr = foldl (acc: x: x) (throw "unused") [ 1 2 ]; expected = 2; };
  testFoldlStrict = { expr = foldl' (acc: x: acc + x) 0 [ 1 2 3 ]; expected = 6; };
  testFoldlStrictEmpty = { expr = foldl' (acc: x: acc + x) 5 [ ]; expected = 5; };
  testFoldlStrictForcesInit = { expr = fails (foldl' (acc: x: x) (throw "init") [ 1 ]); expected = true; };
  testFoldr = { expr = foldr (x: acc: [ x acc ]) 0 [ 1 2 ]; expected = [ 1 [ 2 0 ] ]; };
  testFoldrEmpty = { expr = foldr (x: acc: x + acc) 0 [ ]; expected = 0; };
  testFoldrLazy = { expr = foldr (x: acc: x) 0 [ 1 (throw "unused") ]; expected = 1; };
  testFold = { expr = fold (x: acc: x + acc) 0 [ 1 2 3 ]; expected = 6; };
  testFoldlLong = { expr = foldl' builtins.add 0 (range 1 10000); expected = 50005000; };
  testRange = { expr = [ (range 2 4) (range 3 3) (range 3 2) (range (-1) 1) ]; expected = [ [ 2 3 4 ] [ 3 ] [ ] [ (-1) 0 1 ] ]; };
  testPartition = { expr = partition (x: x > 2) [ 5 1 2 3 4 ]; expected = { right = [ 5 3 4 ]; wrong = [ 1 2 ]; }; };
  testGroupBy = {
    expr = groupBy (x: boolToString (x > 2)) [ 5 1 2 3 4 ];
    expected = { true = [ 5 3 4 ]; false = [ 1 2 ]; };
  };
  testGroupByPrime = {
    expr = groupBy' builtins.add 0 (x: boolToString (x > 2)) [ 5 1 2 3 4 ];
    expected = { true = 12; false = 3; };
  };
  testFilter = { expr = filter (x: x != null) [ 1 null 2 ]; expected = [ 1 2 ]; };
  testElem = { expr = [ (elem 2 [ 1 2 ]) (elem 3 [ 1 2 ]) (elem [ 1 ] [ [ 1 ] ]) ]; expected = [ true false true ]; };
  testCount = { expr = [ (count (x: x == 1) [ 1 2 1 1 ]) (count (x: true) [ ]) ]; expected = [ 3 0 ]; };
  testLast = { expr = last [ 1 2 3 ]; expected = 3; };
  testLastEmpty = { expr = fails (last [ ]); expected = true; };
  testInit = { expr = [ (init [ 1 2 3 ]) (init [ 1 ]) ]; expected = [ [ 1 2 ] [ ] ]; };
  testInitEmpty = { expr = fails (init [ ]); expected = true; };
  testTake = { expr = [ (take 2 [ 1 2 3 ]) (take 0 [ 1 ]) (take 5 [ 1 2 ]) (take 2 [ ]) ]; expected = [ [ 1 2 ] [ ] [ 1 2 ] [ ] ]; };
  testDrop = { expr = [ (drop 2 [ 1 2 3 ]) (drop 0 [ 1 ]) (drop 5 [ 1 2 ]) ]; expected = [ [ 3 ] [ 1 ] [ ] ]; };
  testSublist = { expr = [ (sublist 1 2 [ 1 2 3 4 ]) (sublist 3 5 [ 1 2 3 4 ]) (sublist 9 1 [ 1 ]) (sublist 0 0 [ 1 ]) ]; expected = [ [ 2 3 ] [ 4 ] [ ] [ ] ]; };
  testHeadTailLength = { expr = [ (head [ 1 2 ]) (tail [ 1 2 ]) (length [ 1 2 ]) (length [ ]) ]; expected = [ 1 [ 2 ] 2 0 ]; };
  testReverseList = { expr = [ (reverseList [ 1 2 3 ]) (reverseList [ ]) (reverseList [ 1 ]) ]; expected = [ [ 3 2 1 ] [ ] [ 1 ] ]; };
  testSort = { expr = sort (a: b: a < b) [ 3 1 2 1 ]; expected = [ 1 1 2 3 ]; };
  testSortStable = {
    expr = map (x: x.n) (sort (a: b: a.k < b.k) [ { k = 1; n = "a"; } { k = 0; n = "b"; } { k = 1; n = "c"; } { k = 0; n = "d"; } ]);
    expected = [ "b" "d" "a" "c" ];
  };
  testSortOn = { expr = sortOn stringLength [ "aaa" "b" "cc" ]; expected = [ "b" "cc" "aaa" ]; };
  testNaturalSort = { expr = naturalSort [ "disk11" "disk8" "disk100" "disk9" ]; expected = [ "disk8" "disk9" "disk11" "disk100" ]; };
  testNaturalSortVersions = { expr = naturalSort [ "v0.2" "v0.15" "v0.0.9" ]; expected = [ "v0.0.9" "v0.2" "v0.15" ]; };
  testZipLists = { expr = zipLists [ 1 2 3 ] [ "a" "b" ]; expected = [ { fst = 1; snd = "a"; } { fst = 2; snd = "b"; } ]; };
  testZipListsWith = { expr = zipListsWith (a: b: a + b) [ 1 2 ] [ 10 20 30 ]; expected = [ 11 22 ]; };
  testZipListsWithEmpty = { expr = zipListsWith (a: b: a) [ ] [ 1 ]; expected = [ ]; };
  testFindFirst = { expr = [ (findFirst (x: x > 3) 7 [ 1 6 4 ]) (findFirst (x: x > 9) 7 [ 1 6 4 ]) (findFirst (x: true) 0 [ ]) ]; expected = [ 6 7 0 ]; };
  testFindFirstLazy = { expr = findFirst (x: x > 3) null [ 1 6 (throw "unused") ]; expected = 6; };
  testFindFirstIndex = { expr = [ (findFirstIndex (x: x > 3) null [ 0 6 4 ]) (findFirstIndex (x: x > 9) "no" [ 1 6 4 ]) ]; expected = [ 1 "no" ]; };
  testFindSingle = {
    expr = [ (findSingle (x: x == 3) "none" "many" [ 1 3 3 ]) (findSingle (x: x == 3) "none" "many" [ 1 3 ]) (findSingle (x: x == 3) "none" "many" [ 1 ]) ];
    expected = [ "many" 3 "none" ];
  };
  testAny = { expr = [ (any (x: x > 1) [ 1 2 ]) (any (x: x > 5) [ 1 2 ]) (any (x: true) [ ]) ]; expected = [ true false false ]; };
  testAll = { expr = [ (all (x: x > 0) [ 1 2 ]) (all (x: x > 1) [ 1 2 ]) (all (x: false) [ ]) ]; expected = [ true false true ]; };
  testRemove = { expr = remove 3 [ 1 3 4 3 ]; expected = [ 1 4 ]; };
  testSubtractLists = { expr = subtractLists [ 3 2 ] [ 1 2 3 4 5 3 ]; expected = [ 1 4 5 ]; };
  testIntersectLists = { expr = intersectLists [ 1 2 3 ] [ 6 3 2 ]; expected = [ 3 2 ]; };
  testMutuallyExclusive = { expr = [ (mutuallyExclusive [ 1 2 ] [ 3 4 ]) (mutuallyExclusive [ 1 2 ] [ 2 ]) (mutuallyExclusive [ ] [ 1 ]) ]; expected = [ true false true ]; };
  testReplicate = { expr = [ (replicate 3 "a") (replicate 0 1) ]; expected = [ [ "a" "a" "a" ] [ ] ]; };
  testConcatLists = { expr = concatLists [ [ 1 ] [ ] [ 2 3 ] ]; expected = [ 1 2 3 ]; };
  testGenList = { expr = genList (x: x * x) 4; expected = [ 0 1 4 9 ]; };
  testElemAt = { expr = elemAt [ "a" "b" ] 1; expected = "b"; };
  testCrossLists = { expr = crossLists (x: y: "${toString x}${toString y}") [ [ 1 2 ] [ 3 4 ] ]; expected = [ "13" "14" "23" "24" ]; };
  testCompareLists = {
    expr = [ (compareLists compare [ ] [ ]) (compareLists compare [ ] [ 1 ]) (compareLists compare [ 1 ] [ ]) (compareLists compare [ 1 2 ] [ 1 3 ]) (compareLists compare [ "b" ] [ "a" "z" ]) ];
    expected = [ 0 (-1) 1 (-1) 1 ];
  };
  testListDfs = {
    expr = listDfs true hasPrefix [ "/home/user" "other" "/" "/home" ];
    expected = { minimal = "/"; rest = [ "/home" "other" ]; visited = [ "/home/user" ]; };
  };
  testListDfsCycle = {
    expr = listDfs true (a: b: a <= b) [ 3 2 1 1 ];
    expected = { cycle = 1; loops = [ 1 ]; rest = [ ]; visited = [ 1 2 3 ]; };
  };
  testListDfsCycleDoc = {
    expr = listDfs true hasPrefix [ "/home/user" "other" "/" "/home" "/" ];
    expected = { cycle = "/"; loops = [ "/" ]; visited = [ "/" "/home/user" ]; rest = [ "/home" "other" ]; };
  };
  testListDfsNoStop = {
    expr = listDfs false (a: b: a <= b) [ 2 1 ];
    expected = { minimal = 1; visited = [ 2 ]; rest = [ ]; };
  };
  testToposort = {
    expr = toposort hasPrefix [ "/home/user" "other" "/" "/home" ];
    expected = { result = [ "/" "/home" "/home/user" "other" ]; };
  };
  testToposortNumbers = { expr = toposort (a: b: a < b) [ 3 2 1 ]; expected = { result = [ 1 2 3 ]; }; };
  testToposortCycle = {
    expr = toposort (a: b: a <= b) [ 3 2 1 1 ];
    expected = { cycle = [ 3 2 1 1 ]; loops = [ 1 ]; };
  };
  testToposortCycleBig = {
    expr = toposort (a: b: (a == "a" && b == "b") || (a == "b" && b == "c") || (a == "c" && b == "a")) [ "a" "b" "c" ];
    expected = { cycle = [ "a" "c" "b" ]; loops = [ "a" ]; };
  };
  testToposortEmpty = { expr = [ (toposort (a: b: a < b) [ ]) (toposort (a: b: a < b) [ 1 ]) ]; expected = [ { result = [ ]; } { result = [ 1 ]; } ]; };
  testToposortDeps = {
    expr = let deps = { a = [ "b" "c" ]; b = [ "c" ]; c = [ ]; d = [ "a" ]; }; in
      toposort (x: y: elem x deps.${y}) [ "d" "a" "b" "c" ];
    expected = { result = [ "c" "b" "a" "d" ]; };
  };

  # ---------------------------------------------------------------- strings
  testConcatStrings = { expr = [ (concatStrings [ "a" "b" "c" ]) (concatStrings [ ]) ]; expected = [ "abc" "" ]; };
  testConcatStringsSep = { expr = [ (concatStringsSep ", " [ "a" "b" ]) (concatStringsSep "," [ ]) (concatStringsSep "," [ "x" ]) ]; expected = [ "a, b" "" "x" ]; };
  testConcatMapStrings = { expr = concatMapStrings (x: x + ";") [ "a" "b" ]; expected = "a;b;"; };
  testConcatMapStringsSep = { expr = concatMapStringsSep "-" (x: x + "!") [ "a" "b" ]; expected = "a!-b!"; };
  testConcatImapStrings = { expr = concatImapStrings (i: x: x + toString i) [ "a" "b" ]; expected = "a1b2"; };
  testConcatImapStringsSep = { expr = concatImapStringsSep "-" (i: x: x + toString i) [ "a" "b" ]; expected = "a1-b2"; };
  testConcatLines = { expr = [ (concatLines [ "a" "b" ]) (concatLines [ ]) ]; expected = [ "a\nb\n" "" ]; };
  testOptionalString = { expr = [ (optionalString true "x") (optionalString false "x") ]; expected = [ "x" "" ]; };
  testHasPrefix = { expr = [ (hasPrefix "foo" "foobar") (hasPrefix "bar" "foobar") (hasPrefix "" "x") (hasPrefix "long" "lo") ]; expected = [ true false true false ]; };
  testHasSuffix = { expr = [ (hasSuffix "bar" "foobar") (hasSuffix "foo" "foobar") (hasSuffix "" "x") (hasSuffix "xbar" "bar") ]; expected = [ true false true false ]; };
  testHasInfix = {
    expr = [ (hasInfix "ob" "foobar") (hasInfix "x" "foobar") (hasInfix "" "") (hasInfix "a.b" "aXb") (hasInfix "a.b" "1a.b2") (hasInfix "b" "a\nb\nc") ];
    expected = [ true false true false true true ];
  };
  testRemovePrefix = { expr = [ (removePrefix "foo." "foo.bar.baz") (removePrefix "xxx" "foo.bar") (removePrefix "" "a") (removePrefix "abc" "abc") ]; expected = [ "bar.baz" "foo.bar" "a" "" ]; };
  testRemoveSuffix = { expr = [ (removeSuffix "front" "homefront") (removeSuffix "xxx" "homefront") (removeSuffix ".nix" ".nix") (removeSuffix "long" "ng") ]; expected = [ "home" "homefront" "" "ng" ]; };
  testSplitString = { expr = splitString "." "foo.bar.baz"; expected = [ "foo" "bar" "baz" ]; };
  testSplitStringRegexChars = { expr = [ (splitString "|" "a|b") (splitString "*+" "x*+y") (splitString "\\" "a\\b") ]; expected = [ [ "a" "b" ] [ "x" "y" ] [ "a" "b" ] ]; };
  testSplitStringEdges = { expr = [ (splitString "/" "/usr/local/bin/") (splitString "," "") (splitString "," "abc") (splitString ", " "a, b, c") ]; expected = [ [ "" "usr" "local" "bin" "" ] [ "" ] [ "abc" ] [ "a" "b" "c" ] ]; };
  testEscape = { expr = escape [ "(" ")" ] "(foo)"; expected = "\\(foo\\)"; };
  testEscapeRegex = { expr = escapeRegex "[^a-z]*.+?(x)|{1}$\\"; expected = "\\[\\^a-z\\]\\*\\.\\+\\?\\(x\\)\\|\\{1\\}\\$\\\\"; };
  testEscapeRegexMatches = { expr = match (escapeRegex "a.b*c") "a.b*c" != null && match (escapeRegex "a.b*c") "axbbc" == null; expected = true; };
  testEscapeShellArg = {
    expr = [ (escapeShellArg "esc'ape\nme") (escapeShellArg "safe/path-1.0_x+y:z@h%") (escapeShellArg "") (escapeShellArg "a b") (escapeShellArg "'") (escapeShellArg 42) ];
    expected = [ "'esc'\\''ape\nme'" "safe/path-1.0_x+y:z@h%" "''" "'a b'" "''\\'''" "42" ];
  };
  testEscapeShellArgs = { expr = escapeShellArgs [ "one" "two three" "four'five" ]; expected = "one 'two three' 'four'\\''five'"; };
  testEscapeShellArgsEmpty = { expr = escapeShellArgs [ ]; expected = ""; };
  testIsValidPosixName = { expr = map isValidPosixName [ "foo_1" "_x" "1foo" "a-b" "" ]; expected = [ true true false false false ]; };
  testToShellVar = {
    expr = [ (toShellVar "x" "a b") (toShellVar "l" [ "a" "b c" ]) (toShellVar "m" { k = "v"; "a b" = "c"; }) ];
    expected = [ "x='a b'" "declare -a l=(a 'b c')" "declare -A m=(['a b']=c [k]=v)" ];
  };
  testToShellVarInvalid = { expr = fails (toShellVar "a-b" "x"); expected = true; };
  testToShellVars = { expr = toShellVars { a = "1"; b = "x y"; }; expected = "a=1\nb='x y'"; };
  testEscapeNixString = { expr = [ (escapeNixString "a\"b") (escapeNixString "\${x}") (escapeNixString "a\nb\\") ]; expected = [ "\"a\\\"b\"" "\"\\\${x}\"" "\"a\\nb\\\\\"" ]; };
  testEscapeNixIdentifier = { expr = map escapeNixIdentifier [ "foo" "foo-bar'" "a b" "0abc" "if" ]; expected = [ "foo" "foo-bar'" "\"a b\"" "\"0abc\"" "\"if\"" ]; };
  testEscapeXML = { expr = escapeXML ''"test" 'test' < & >''; expected = "&quot;test&quot; &apos;test&apos; &lt; &amp; &gt;"; };
  testToUpper = { expr = [ (toUpper "home") (toUpper "MiXeD 1-z") (toUpper "") ]; expected = [ "HOME" "MIXED 1-Z" "" ]; };
  testToLower = { expr = [ (toLower "HOME") (toLower "MiXeD 1-Z") ]; expected = [ "home" "mixed 1-z" ]; };
  testStringToCharacters = { expr = [ (stringToCharacters "abc") (stringToCharacters "") ]; expected = [ [ "a" "b" "c" ] [ ] ]; };
  testStringAsChars = { expr = stringAsChars (c: if c == "a" then "A" else c) "banana"; expected = "bAnAnA"; };
  testIntersperse = { expr = [ (intersperse "/" [ "usr" "local" "bin" ]) (intersperse "," [ ]) (intersperse "," [ "a" ]) ]; expected = [ [ "usr" "/" "local" "/" "bin" ] [ ] [ "a" ] ]; };
  testMakeSearchPath = { expr = makeSearchPath "bin" [ "/root" "/usr" "/usr/local" ]; expected = "/root/bin:/usr/bin:/usr/local/bin"; };
  testMakeSearchPathNull = { expr = [ (makeSearchPath "bin" [ "/a" null ]) (makeSearchPath "bin" [ ]) ]; expected = [ "/a/bin" "" ]; };
  testMakeSearchPathOutput = { expr = makeSearchPathOutput "dev" "include" [ { dev = "/d"; out = "/o"; } { out = "/p"; } ]; expected = "/d/include:/p/include"; };
  testMakeBinPath = { expr = makeBinPath [ { bin = "/b"; out = "/o"; } "/plain" ]; expected = "/b/bin:/plain/bin"; };
  testMakeLibraryPath = { expr = makeLibraryPath [ { lib = "/l"; out = "/o"; } { out = "/o2"; } ]; expected = "/l/lib:/o2/lib"; };
  testMakeSearchPathDerivationLike = { expr = makeSearchPath "share" [ { outPath = "/x"; } ]; expected = "/x/share"; };
  testStringsReplicate = { expr = [ (strings.replicate 3 "ab") (strings.replicate 0 "ab") ]; expected = [ "ababab" "" ]; };
  testFixedWidthString = { expr = [ (fixedWidthString 5 "0" (toString 15)) (fixedWidthString 2 " " "ab") (fixedWidthString 3 "-" "") ]; expected = [ "00015" "ab" "---" ]; };
  testFixedWidthStringTooLong = { expr = fails (fixedWidthString 2 "0" "abc"); expected = true; };
  testFixedWidthNumber = { expr = [ (fixedWidthNumber 5 15) (fixedWidthNumber 1 7) (fixedWidthNumber 3 123) ]; expected = [ "00015" "7" "123" ]; };
  testToInt = { expr = [ (toInt "1337") (toInt "-4") (toInt " 123 ") (toInt "0") (toInt "\t42\n") ]; expected = [ 1337 (-4) 123 0 42 ]; };
  testToIntErrors = {
    expr = map (s: fails (toInt s)) [ "" "foo" "3.14" "0x10" "1 2" "00" "01" "- 1" "1e3" ];
    expected = [ true true true true true true true true true ];
  };
  testToIntBase10 = { expr = [ (toIntBase10 "007") (toIntBase10 " -010 ") (toIntBase10 "0") (toIntBase10 "42") ]; expected = [ 7 (-10) 0 42 ]; };
  testToIntBase10Errors = { expr = map (s: fails (toIntBase10 s)) [ "" "x1" "1.0" ]; expected = [ true true true ]; };
  testTrim = { expr = [ (trim "   abc  ") (trim "\n a b \t\r\n") (trim "") (trim "   ") (trim "x") (trim " a\n b ") ]; expected = [ "abc" "a b" "" "" "x" "a\n b" ]; };
  testTrimWith = {
    expr = [ (trimWith { start = true; } "  a  ") (trimWith { end = true; } "  a  ") (trimWith { } "  a  ") (trimWith { end = true; } "   ") ];
    expected = [ "a  " "  a" "  a  " "" ];
  };
  testIsString = { expr = [ (isString "a") (isString 1) ]; expected = [ true false ]; };
  testIsStringLike = {
    expr = [ (isStringLike "a") (isStringLike ./cases.nix) (isStringLike { outPath = "/x"; }) (isStringLike { __toString = s: "x"; }) (isStringLike { }) (isStringLike 1) ];
    expected = [ true true true true false false ];
  };
  testIsStorePath = {
    expr = [
      (isStorePath "${builtins.storeDir}/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11")
      (isStorePath "${builtins.storeDir}/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11/bin/python")
      (isStorePath "/etc/hosts")
      (isStorePath 1)
      (isStorePath { outPath = "${builtins.storeDir}/d945ibfx9x185xf04b890y4f9g3cbb63-x"; })
    ];
    expected = [ true false false false true ];
  };
  testVersionOlder = { expr = [ (versionOlder "1.1" "1.2") (versionOlder "1.2" "1.2") (versionOlder "1.10" "1.9") (versionOlder "2.0pre" "2.0") ]; expected = [ true false false true ]; };
  testVersionAtLeast = { expr = [ (versionAtLeast "1.2" "1.2") (versionAtLeast "1.1" "1.2") (versionAtLeast "24.05" "23.11") ]; expected = [ true false true ]; };
  testGetName = { expr = [ (getName "hello-2.10") (getName { name = "foo-bar-1.0"; }) (getName { pname = "p"; name = "x-1"; }) ]; expected = [ "hello" "foo-bar" "p" ]; };
  testGetVersion = { expr = [ (getVersion "hello-2.10") (getVersion { name = "foo-bar-1.0"; }) (getVersion { version = "9"; name = "x-1"; }) (getVersion "noversion") ]; expected = [ "2.10" "1.0" "9" "" ]; };
  testNameFromURL = { expr = [ (nameFromURL "https://nixos.org/releases/nix/nix-1.7/nix-1.7-x86_64-linux.tar.bz2" "-") (nameFromURL "https://x.org/a_b.tar" "_") ]; expected = [ "nix" "a" ]; };
  testNameFromURLNoSep = { expr = fails (nameFromURL "https://x.org/abc" "-"); expected = true; };
  testEnableFeature = { expr = [ (enableFeature true "shared") (enableFeature false "shared") ]; expected = [ "--enable-shared" "--disable-shared" ]; };
  testEnableFeatureAs = { expr = [ (enableFeatureAs true "x" "y") (enableFeatureAs false "x" "y") ]; expected = [ "--enable-x=y" "--disable-x" ]; };
  testWithFeature = { expr = [ (withFeature true "ssl") (withFeature false "ssl") ]; expected = [ "--with-ssl" "--without-ssl" ]; };
  testWithFeatureAs = { expr = [ (withFeatureAs true "ssl" "/p") (withFeatureAs false "ssl" "/p") ]; expected = [ "--with-ssl=/p" "--without-ssl" ]; };
  testMeson = { expr = [ (mesonOption "docs" "false") (mesonBool "docs" true) (mesonEnable "x11" false) ]; expected = [ "-Ddocs=false" "-Ddocs=true" "-Dx11=disabled" ]; };
  testCmake = { expr = [ (cmakeBool "BUILD_TESTING" false) (cmakeFeature "X" "y") (cmakeOptionType "filepath" "F" "/a") ]; expected = [ "-DBUILD_TESTING:BOOL=FALSE" "-DX:STRING=y" "-DF:FILEPATH=/a" ]; };
  testAddContextFrom = { expr = addContextFrom "abc" "x"; expected = "x"; };
  testFileContents = { expr = fileContents ./data/version.txt; expected = "1.2.3"; };
  testSanitizeDerivationName = {
    expr = map sanitizeDerivationName [ "hello-1.0" "../hello world" "..." "" "a@b#c" "foo/bar:baz" ".hidden" ];
    expected = [ "hello-1.0" "-hello-world" "unknown" "unknown" "a-b-c" "foo-bar-baz" "hidden" ];
  };
  testSanitizeDerivationNameLong = {
    expr = let n = sanitizeDerivationName (strings.replicate 300 "a" + "b"); in [ (stringLength n) (hasSuffix "ab" n) ];
    expected = [ 207 true ];
  };
  testNormalizePath = { expr = [ (normalizePath "/a//b///c/") (normalizePath "a/b") (normalizePath "//") (normalizePath "") ]; expected = [ "/a/b/c/" "a/b" "/" "" ]; };
  testCommonPrefixLength = { expr = [ (commonPrefixLength "foobar" "fooqux") (commonPrefixLength "" "x") (commonPrefixLength "abc" "abc") ]; expected = [ 3 0 3 ]; };
  testCommonSuffixLength = { expr = [ (commonSuffixLength "foobar" "quxbar") (commonSuffixLength "a" "b") (commonSuffixLength "abc" "bc") ]; expected = [ 3 0 2 ]; };
  testLowerUpperChars = { expr = [ (length lowerChars) (head upperChars) (last lowerChars) ]; expected = [ 26 "A" "z" ]; };
  testStringLengthSubstring = { expr = [ (stringLength "") (stringLength "abc") (substring 1 2 "abcd") (substring 2 10 "abc") (substring 5 1 "abc") ]; expected = [ 0 3 "bc" "c" "" ]; };
  testReplaceStrings = { expr = [ (replaceStrings [ "a" "b" ] [ "b" "a" ] "aabb") (replaceStrings [ "" ] [ "-" ] "ab") ]; expected = [ "bbaa" "-a-b-" ]; };
  testFloatToString = { expr = floatToString 1.5; expected = "1.500000"; };

  # ------------------------------------------------------------- generators
  testMkValueStringDefault = {
    expr = map (generators.mkValueStringDefault { }) [ 1 "x" true false null ];
    expected = [ "1" "x" "true" "false" "null" ];
  };
  testMkValueStringDefaultErrors = {
    expr = map (v: fails (generators.mkValueStringDefault { } v)) [ [ 1 ] { a = 1; } (x: x) ];
    expected = [ true true true ];
  };
  testMkKeyValueDefault = {
    expr = [ (generators.mkKeyValueDefault { } ":" "a:b" 1) (generators.mkKeyValueDefault { mkValueString = v: "<${toString v}>"; } " = " "k" 2) ];
    expected = [ "a\\:b:1" "k = <2>" ];
  };
  testToKeyValue = { expr = generators.toKeyValue { } { b = "x"; a = 1; c = true; }; expected = "a=1\nb=x\nc=true\n"; };
  testToKeyValueEmpty = { expr = generators.toKeyValue { } { }; expected = ""; };
  testToKeyValueDuplicateKeys = {
    expr = generators.toKeyValue { listsAsDuplicateKeys = true; } { a = [ 1 2 ]; b = 3; };
    expected = "a=1\na=2\nb=3\n";
  };
  testToKeyValueIndentSep = {
    expr = generators.toKeyValue { mkKeyValue = generators.mkKeyValueDefault { } " = "; indent = "  "; } { k = "v"; };
    expected = "  k = v\n";
  };
  testToINI = {
    expr = generators.toINI { } {
      "section 1" = { attribute1 = 5; x = "Me-se JarJar Binx"; boolean = false; };
      foo = { "he\\h=he" = "this is okay"; };
    };
    expected = ''
      [foo]
      he\h\=he=this is okay

      [section 1]
      attribute1=5
      boolean=false
      x=Me-se JarJar Binx
    '';
  };
  testToINIEmpty = { expr = generators.toINI { } { }; expected = ""; };
  testToINIEmptySection = { expr = generators.toINI { } { a = { }; b.x = 1; }; expected = "[a]\n\n[b]\nx=1\n"; };
  testToINISectionNameEscape = { expr = generators.toINI { } { "a[b]" = { k = 1; }; }; expected = "[a\\[b\\]]\nk=1\n"; };
  testToINIDuplicateKeys = {
    expr = generators.toINI { listsAsDuplicateKeys = true; } { s = { k = [ "a" "b" ]; }; };
    expected = "[s]\nk=a\nk=b\n";
  };
  testToINIWithGlobalSection = {
    expr = generators.toINIWithGlobalSection { } { globalSection = { g = 1; }; sections = { s = { k = "v"; }; }; };
    expected = "g=1\n\n[s]\nk=v\n";
  };
  testToINIWithGlobalSectionOnly = {
    expr = [ (generators.toINIWithGlobalSection { } { globalSection = { g = 1; }; }) (generators.toINIWithGlobalSection { } { globalSection = { }; sections.s.a = 1; }) ];
    expected = [ "g=1\n\n" "[s]\na=1\n" ];
  };
  testToGitINI = {
    expr = generators.toGitINI {
      user = { email = "me@example.org"; name = "Me"; };
      url."ssh://git@github.com/".insteadOf = "https://github.com";
      core.autocrlf = false;
      alias.lg = [ "log" "log --graph" ];
      "quo\"te".sub.k = "esc\"aped\n";
    };
    expected = ''
      [alias]
      	lg = "log"
      	lg = "log --graph"

      [core]
      	autocrlf = false

      [quo"te.sub]
      	k = "esc\"aped\n"

      [url "ssh://git@github.com/"]
      	insteadOf = "https://github.com"

      [user]
      	email = "me@example.org"
      	name = "Me"
    '';
  };
  testToJSON = { expr = generators.toJSON { } { a = [ 1 "x" null true ]; b = { }; }; expected = ''{"a":[1,"x",null,true],"b":{}}''; };
  testToYAML = { expr = generators.toYAML { } [ 1 "a" ]; expected = ''[1,"a"]''; };
  testToPrettyScalars = {
    expr = map (generators.toPretty { }) [ 1 "str" true false null 1.5 [ ] { } ];
    expected = [ "1" "\"str\"" "true" "false" "null" "1.5" "[ ]" "{ }" ];
  };
  testToPrettyMultiline = {
    expr = generators.toPretty { } { a = [ 1 { b = "x"; } ]; "c d" = null; };
    expected = ''
      {
        a = [
          1
          {
            b = "x";
          }
        ];
        "c d" = null;
      }'';
  };
  testToPrettySingleLine = {
    expr = generators.toPretty { multiline = false; } { a = [ 1 "x" ]; b = { }; };
    expected = "{ a = [ 1 \"x\" ]; b = { }; }";
  };
  testToPrettyStringEscapes = { expr = generators.toPretty { } "a\"b\\c\${d}"; expected = ''"a\"b\\c\''${d}"''; };
  testToPrettyMultilineString = {
    expr = [ (generators.toPretty { } "a\nb") (generators.toPretty { } "a\nb\n") (generators.toPretty { multiline = false; } "a\nb") ];
    expected = [ "''\n  a\n  b''" "''\n  a\n  b\n''" "\"a\\nb\"" ];
  };
  testToPrettyFunctions = {
    expr = [ (generators.toPretty { } (x: x)) (generators.toPretty { } ({ a, b ? 1 }: a)) ];
    expected = [ "<function>" "<function, args: {a, b?}>" ];
  };
  testToPrettyDerivation = { expr = generators.toPretty { } { type = "derivation"; name = "hello"; }; expected = "<derivation hello>"; };
  testToPrettyAllowPrettyValues = {
    expr = generators.toPretty { allowPrettyValues = true; } { x = { __pretty = v: "<${toString v}>"; val = 5; }; };
    expected = "{\n  x = <5>;\n}";
  };
  testToPrettyIndent = { expr = generators.toPretty { indent = "  "; } [ 1 ]; expected = "[\n    1\n  ]"; };

  # --------------------------------------------------------------- versions
  testSplitVersion = { expr = [ (versions.splitVersion "1.2.3") (versions.splitVersion "1.2-rc1") ]; expected = [ [ "1" "2" "3" ] [ "1" "2" "rc" "1" ] ]; };
  testVersionsMajorMinorPatch = { expr = with versions; [ (major "1.2.3") (minor "1.2.3") (patch "1.2.3") (majorMinor "1.2.3") (majorMinor "5") ]; expected = [ "1" "2" "3" "1.2" "5" ]; };
  testVersionsPad = {
    expr = map (v: versions.pad 3 v) [ "1.2" "1.3-rc1" "1.2.3.4" "1" ];
    expected = [ "1.2.0" "1.3.0-rc1" "1.2.3" "1.0.0" ];
  };
  testVersionsMinorMissing = { expr = (builtins.tryEval (builtins.length (versions.splitVersion "1"))).value; expected = 1; };

  # ---------------------------------------------------------------- asserts
  testAssertMsg = { expr = [ (assertMsg true "never") (fails (assertMsg false "boom")) (assert assertMsg (1 < 2) "math"; "ok") ]; expected = [ true true "ok" ]; };
  testAssertOneOf = { expr = [ (assertOneOf "color" "red" [ "red" "green" ]) (fails (assertOneOf "color" "blue" [ "red" "green" ])) ]; expected = [ true true ]; };
  testAssertEachOneOf = {
    expr = [ (assertEachOneOf "colors" [ "red" ] [ "red" "green" ]) (assertEachOneOf "colors" [ ] [ "red" ]) (fails (assertEachOneOf "colors" [ "red" "blue" ] [ "red" "green" ])) ];
    expected = [ true true true ];
  };

  # ------------------------------------------------------------------ debug
  testTraceIfFalse = { expr = traceIf false "never" 1; expected = 1; };
  testTraceValFn = { expr = traceValFn (x: "value: ${toString x}") 3; expected = 3; };
  testTraceVal = { expr = traceVal "v"; expected = "v"; };
  testTraceSeq = { expr = traceSeq { a = [ 1 ]; } 2; expected = 2; };
  testTraceSeqN = { expr = traceSeqN 1 { a.b.c = 1; l = [ [ 1 ] ]; } "r"; expected = "r"; };
  testTraceValSeq = { expr = traceValSeq { a = [ 1 2 ]; }; expected = { a = [ 1 2 ]; }; };
  testTraceValSeqN = { expr = traceValSeqN 2 [ [ [ 1 ] ] ]; expected = [ [ [ 1 ] ] ]; };
  testRunTestsPass = { expr = runTests { testA = { expr = 1; expected = 1; }; notATest = { expr = 1; expected = 2; }; }; expected = [ ]; };
  testRunTestsFail = {
    expr = runTests { testA = { expr = 1; expected = 2; }; testB = { expr = "x"; expected = "x"; }; testC = { expr = [ ]; expected = { }; }; };
    expected = [ { name = "testA"; expected = 2; result = 1; } { name = "testC"; expected = { }; result = [ ]; } ];
  };
  testRunTestsSelected = {
    expr = runTests { tests = [ "testB" ]; testA = { expr = 1; expected = 2; }; testB = { expr = 3; expected = 4; }; };
    expected = [ { name = "testB"; expected = 4; result = 3; } ];
  };
  testTestAllTrue = { expr = testAllTrue [ true (1 < 2) ]; expected = { expr = [ true true ]; expected = [ true true ]; }; };

  # ------------------------------------------------------------- lib itself
  testTopLevelReexports = {
    expr = [ (lib.mapAttrs (n: v: v) { a = 1; }) (lib.optionalString true "a") (lib.strings.concatStringsSep "," [ "a" ]) (lib.lists.length [ 1 ]) (lib.trivial.id 2) ];
    expected = [ { a = 1; } "a" "a" 1 2 ];
  };
  testNamespaces = {
    expr = all (n: isAttrs lib.${n}) [ "trivial" "fixedPoints" "attrsets" "lists" "strings" "generators" "versions" "asserts" "debug" ];
    expected = true;
  };
  testLibExtendKeepsNamespaces = { expr = (lib.extend (f: p: { x = 1; })).strings.toUpper "a"; expected = "A"; };

  # ------------------------------------------------------------- remaining
  testGetHasRemoveAttr = { expr = [ (getAttr "a" { a = 1; }) (hasAttr "b" { a = 1; }) (removeAttrs { a = 1; b = 2; } [ "a" "z" ]) ]; expected = [ 1 false { b = 2; } ]; };
  testMapAttrsFlatten = { expr = mapAttrsFlatten (n: v: v) { b = 2; a = 1; }; expected = [ 1 2 ]; };
  testTraceValSeqFn = { expr = debug.traceValSeqFn (x: "len ${toString (length x)}") [ 1 2 ]; expected = [ 1 2 ]; };
  testTraceValSeqNFn = { expr = debug.traceValSeqNFn (x: x) 1 { a.b = 1; }; expected = { a.b = 1; }; };
  testMakeIncludePath = { expr = makeIncludePath [ { dev = "/d"; out = "/o"; } "/x" ]; expected = "/d/include:/x/include"; };
  testSplit = { expr = split "(,)" "a,b"; expected = [ "a" [ "," ] "b" ]; };
  testInfoWarn = { expr = [ (info "informational" 1) (warn "a warning" 2) (showWarnings [ "w1" "w2" ] 3) (warnIf true "w" 4) ]; expected = [ 1 2 3 4 ]; };
  testReleaseInfo = { expr = [ trivial.codeName trivial.versionSuffix (trivial.isInOldestRelease 2305) ]; expected = [ "sysrebuild" "" true ]; };
  testTraceIfTrue = { expr = traceIf true "traced" 5; expected = 5; };
}
