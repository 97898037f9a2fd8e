# Functions on strings.
{ lib }:

let
  inherit (builtins) stringLength substring replaceStrings match split length elemAt head tail filter isList isString genList;

  # Sign ("" or "-") and a string of decimal digits to an integer.
  parseDigits = sign: digits:
    let
      values = { "0" = 0; "1" = 1; "2" = 2; "3" = 3; "4" = 4; "5" = 5; "6" = 6; "7" = 7; "8" = 8; "9" = 9; };
      n = builtins.foldl' (acc: i: acc * 10 + values.${substring i 1 digits}) 0 (genList (i: i) (stringLength digits));
    in
    if sign == "-" then 0 - n else n;
in
rec {
  # Builtins re-exported under their usual names.
  # concatStringsSep :: String -> [String] -> String  Example: concatStringsSep "," [ "a" "b" ] => "a,b"
  # stringLength :: String -> Int                     Example: stringLength "abc" => 3
  # substring :: Int -> Int -> String -> String       Example: substring 1 2 "abcd" => "bc"
  # replaceStrings :: [String] -> [String] -> String -> String
  #   Example: replaceStrings [ "a" ] [ "b" ] "aa" => "bb"
  # match :: String -> String -> [String] | Null      Example: match "a(b)" "ab" => [ "b" ]
  # split :: String -> String -> [String | [String]]  Example: split "," "a,b" => [ "a" [ ] "b" ]
  # isString :: Any -> Bool                           Example: isString "a" => true
  # toString :: Any -> String                         Example: toString 1 => "1"
  inherit (builtins) concatStringsSep stringLength substring replaceStrings match split isString toString;

  # Concatenate a list of strings.
  # concatStrings :: [String] -> String
  # Example: concatStrings [ "a" "b" ] => "ab"
  concatStrings = builtins.concatStringsSep "";

  # Map each element to a string and concatenate.
  # concatMapStrings :: (a -> String) -> [a] -> String
  # Example: concatMapStrings (x: x + ";") [ "a" "b" ] => "a;b;"
  concatMapStrings = f: list: concatStrings (map f list);

  # Like concatMapStrings, with a 1-based index.
  # concatImapStrings :: (Int -> a -> String) -> [a] -> String
  # Example: concatImapStrings (i: x: x + toString i) [ "a" "b" ] => "a1b2"
  concatImapStrings = f: list: concatStrings (lib.imap1 f list);

  # Map each element to a string and join with a separator.
  # concatMapStringsSep :: String -> (a -> String) -> [a] -> String
  # Example: concatMapStringsSep "-" (x: x + "!") [ "a" "b" ] => "a!-b!"
  concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);

  # Like concatMapStringsSep, with a 1-based index.
  # concatImapStringsSep :: String -> (Int -> a -> String) -> [a] -> String
  # Example: concatImapStringsSep "-" (i: x: x + toString i) [ "a" "b" ] => "a1-b2"
  concatImapStringsSep = sep: f: list: concatStringsSep sep (lib.imap1 f list);

  # Join lines, each terminated by a newline.
  # concatLines :: [String] -> String
  # Example: concatLines [ "a" "b" ] => "a\nb\n"
  concatLines = concatMapStrings (s: s + "\n");

  # Put a separator between the elements of a list.
  # intersperse :: a -> [a] -> [a]
  # Example: intersperse "," [ "a" "b" ] => [ "a" "," "b" ]
  intersperse = sep: list:
    if length list < 2 then list
    else tail (builtins.concatMap (x: [ sep x ]) list);

  # The string if the condition holds, else "".
  # optionalString :: Bool -> String -> String
  # Example: optionalString true "x" => "x"
  optionalString = cond: s: if cond then s else "";

  # Whether the string starts with the prefix.
  # hasPrefix :: String -> String -> Bool
  # Example: hasPrefix "foo" "foobar" => true
  hasPrefix = prefix: s: substring 0 (stringLength prefix) s == prefix;

  # Whether the string ends with the suffix.
  # hasSuffix :: String -> String -> Bool
  # Example: hasSuffix "bar" "foobar" => true
  hasSuffix = suffix: s:
    let ls = stringLength s; lx = stringLength suffix; in
    ls >= lx && substring (ls - lx) lx s == suffix;

  # Whether the string contains the infix.
  # hasInfix :: String -> String -> Bool
  # Example: hasInfix "ob" "foobar" => true
  hasInfix = infix: s: match ".*${escapeRegex infix}.*" "${s}" != null;

  # Remove a prefix if present.
  # removePrefix :: String -> String -> String
  # Example: removePrefix "foo." "foo.bar" => "bar"
  removePrefix = prefix: s:
    let lp = stringLength prefix; in
    if substring 0 lp s == prefix then substring lp (stringLength s - lp) s else s;

  # Remove a suffix if present.
  # removeSuffix :: String -> String -> String
  # Example: removeSuffix ".nix" "a.nix" => "a"
  removeSuffix = suffix: s:
    let ls = stringLength s; lx = stringLength suffix; in
    if ls >= lx && substring (ls - lx) lx s == suffix then substring 0 (ls - lx) s else s;

  # Split a string at every occurrence of a literal separator.
  # splitString :: String -> String -> [String]
  # Example: splitString "." "a.b.c" => [ "a" "b" "c" ]
  splitString = sep: s:
    let parts = filter isString (split (escapeRegex (toString sep)) (toString s));
    in map (addContextFrom s) parts;

  # Prefix every occurrence of the listed characters with a backslash.
  # escape :: [String] -> String -> String
  # Example: escape [ "(" ")" ] "(a)" => "\\(a\\)"
  escape = chars: replaceStrings chars (map (c: "\\${c}") chars);

  # Escape POSIX extended regular expression metacharacters.
  # escapeRegex :: String -> String
  # Example: escapeRegex "a.b*" => "a\\.b\\*"
  escapeRegex = escape (stringToCharacters "\\[]{}()^$?*+|.");

  # Quote a string for a POSIX shell; strings made only of safe characters
  # are left as they are.
  # escapeShellArg :: String -> String
  # Example: escapeShellArg "it's" => "'it'\\''s'"
  escapeShellArg = arg:
    let s = toString arg; in
    if match "[[:alnum:],._+:@%/-]+" s != null then s
    else "'${replaceStrings [ "'" ] [ "'\\''" ] s}'";

  # Quote each argument and join with spaces.
  # escapeShellArgs :: [String] -> String
  # Example: escapeShellArgs [ "a" "b c" ] => "a 'b c'"
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;

  # Whether the string is a valid POSIX shell variable name.
  # isValidPosixName :: String -> Bool
  # Example: isValidPosixName "foo_1" => true
  isValidPosixName = name: match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;

  # A shell assignment for a string, a list (indexed array) or an attribute
  # set (associative array).
  # toShellVar :: String -> (String | [String] | AttrSet) -> String
  # Example: toShellVar "x" "a b" => "x='a b'"
  toShellVar = name: value:
    lib.throwIfNot (isValidPosixName name) "toShellVar: ${name} is not a valid shell variable name" (
      if builtins.isAttrs value && !isStringLike value then
        "declare -A ${name}=(${concatStringsSep " " (lib.mapAttrsToList (n: v: "[${escapeShellArg n}]=${escapeShellArg v}") value)})"
      else if isList value then
        "declare -a ${name}=(${escapeShellArgs value})"
      else
        "${name}=${escapeShellArg value}");

  # toShellVar for every attribute, one per line.
  # toShellVars :: AttrSet -> String
  # Example: toShellVars { a = "1"; b = "x y"; } => "a=1\nb='x y'"
  toShellVars = vars: concatStringsSep "\n" (lib.mapAttrsToList toShellVar vars);

  # A Nix string literal (double quoted, escaped) for the string.
  # escapeNixString :: String -> String
  # Example: escapeNixString "a\"$b" => "\"a\\\"\\$b\""
  escapeNixString = s: escape [ "$" ] (builtins.toJSON s);

  # The string as a Nix attribute name: bare if it is a valid identifier,
  # quoted otherwise.
  # escapeNixIdentifier :: String -> String
  # Example: escapeNixIdentifier "a b" => "\"a b\""
  escapeNixIdentifier = s:
    if match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null
      && !(builtins.elem s [ "if" "then" "else" "assert" "with" "let" "in" "rec" "inherit" "or" ])
    then s
    else escapeNixString s;

  # Escape the XML special characters.
  # escapeXML :: String -> String
  # Example: escapeXML "<a href=\"x\">&</a>" => "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
  escapeXML = replaceStrings [ "\"" "'" "<" ">" "&" ] [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];

  # The ASCII letters as lists of one-character strings.
  # lowerChars :: [String]
  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  # upperChars :: [String]
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  # ASCII upper-casing.
  # toUpper :: String -> String
  # Example: toUpper "home" => "HOME"
  toUpper = replaceStrings lowerChars upperChars;

  # ASCII lower-casing.
  # toLower :: String -> String
  # Example: toLower "HOME" => "home"
  toLower = replaceStrings upperChars lowerChars;

  # Split a string into a list of one-character strings.
  # stringToCharacters :: String -> [String]
  # Example: stringToCharacters "abc" => [ "a" "b" "c" ]
  stringToCharacters = s: genList (i: substring i 1 s) (stringLength s);

  # Map every character to a string and concatenate.
  # stringAsChars :: (String -> String) -> String -> String
  # Example: stringAsChars (c: if c == "a" then "A" else c) "banana" => "bAnAnA"
  stringAsChars = f: s: concatMapStrings f (stringToCharacters s);

  # Join `path/subDir` for every non-null path with ":".
  # makeSearchPath :: String -> [String] -> String
  # Example: makeSearchPath "bin" [ "/a" "/b" ] => "/a/bin:/b/bin"
  makeSearchPath = subDir: paths:
    concatStringsSep ":" (map (p: "${toString p}/${subDir}") (filter (p: p != null) paths));

  # makeSearchPath over the given output of each package.
  # makeSearchPathOutput :: String -> String -> [Derivation] -> String
  # Example: makeSearchPathOutput "dev" "include" [ { dev = "/d"; } ] => "/d/include"
  makeSearchPathOutput = output: subDir: pkgs: makeSearchPath subDir (map (lib.getOutput output) pkgs);

  # A PATH-style list of the packages' bin directories.
  # makeBinPath :: [Derivation] -> String
  # Example: makeBinPath [ "/a" "/b" ] => "/a/bin:/b/bin"
  makeBinPath = makeSearchPathOutput "bin" "bin";

  # A list of the packages' lib directories.
  # makeLibraryPath :: [Derivation] -> String
  # Example: makeLibraryPath [ "/a" ] => "/a/lib"
  makeLibraryPath = makeSearchPathOutput "lib" "lib";

  # A list of the packages' include directories.
  # makeIncludePath :: [Derivation] -> String
  # Example: makeIncludePath [ "/a" ] => "/a/include"
  makeIncludePath = makeSearchPathOutput "dev" "include";

  # The string repeated n times.
  # replicate :: Int -> String -> String
  # Example: replicate 3 "ab" => "ababab"
  replicate = n: s: concatStrings (lib.lists.replicate n s);

  # Left-pad a string to the width with the (single character) filler.
  # fixedWidthString :: Int -> String -> String -> String
  # Example: fixedWidthString 5 "0" "12" => "00012"
  fixedWidthString = width: filler: s:
    let len = stringLength s; in
    assert lib.assertMsg (len <= width)
      "fixedWidthString: requested string length (${toString width}) must not be shorter than actual length (${toString len})";
    replicate (width - len) filler + s;

  # Zero-pad a number to the width.
  # fixedWidthNumber :: Int -> Int -> String
  # Example: fixedWidthNumber 3 7 => "007"
  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);

  # Parse a decimal integer, surrounding whitespace allowed; leading zeros
  # are rejected as ambiguous (octal or padded?).
  # toInt :: String -> Int
  # Example: toInt " 42 " => 42
  toInt = s:
    let m = match "[[:space:]]*(-?)([0-9]+)[[:space:]]*" s; in
    if m == null then throw "toInt: Could not convert ${escapeNixString s} to int."
    else if match "0[0-9]+" (elemAt m 1) != null then
      throw "toInt: Ambiguity in interpretation of ${escapeNixString s} between octal and zero padded integer."
    else parseDigits (head m) (elemAt m 1);

  # Parse a decimal integer, surrounding whitespace and leading zeros allowed.
  # toIntBase10 :: String -> Int
  # Example: toIntBase10 "007" => 7
  toIntBase10 = s:
    let m = match "[[:space:]]*(-?)([0-9]+)[[:space:]]*" s; in
    if m == null then throw "toIntBase10: Could not convert ${escapeNixString s} to int."
    else parseDigits (head m) (elemAt m 1);

  # Remove whitespace (space, tab, CR, LF) from both ends.
  # trim :: String -> String
  # Example: trim "  a b \n" => "a b"
  trim = trimWith { start = true; end = true; };

  # Remove whitespace from the start and/or the end.
  # trimWith :: { start :: Bool; end :: Bool; } -> String -> String
  # Example: trimWith { start = true; } "  a  " => "a  "
  trimWith = { start ? false, end ? false }: s:
    let
      len = stringLength s;
      leading = stringLength (head (match "([ \t\r\n]*).*" s));
      trailing =
        let t = match ".*[^ \t\r\n]([ \t\r\n]*)" s;
        in if t == null then len else stringLength (head t);
      from = if start then leading else 0;
      to = if end then len - trailing else len;
    in
    if to <= from then "" else substring from (to - from) s;

  # Whether the value can be used like a string (string, path, or a set
  # with outPath or __toString).
  # isStringLike :: Any -> Bool
  # Example: isStringLike { outPath = "/x"; } => true
  isStringLike = x: isString x || builtins.isPath x || (builtins.isAttrs x && (x ? outPath || x ? __toString));

  # Whether the value is a top-level store path (or its string form).
  # isStorePath :: Any -> Bool
  # Example: isStorePath "/nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11" => true
  isStorePath = x:
    isStringLike x && (
      let s = toString x; in
      substring 0 1 s == "/" && builtins.dirOf s == builtins.storeDir);

  # Whether version a is older than version b.
  # versionOlder :: String -> String -> Bool
  # Example: versionOlder "1.1" "1.2" => true
  versionOlder = a: b: builtins.compareVersions b a == 1;

  # Whether version a is at least version b.
  # versionAtLeast :: String -> String -> Bool
  # Example: versionAtLeast "1.2" "1.2" => true
  versionAtLeast = a: b: !versionOlder a b;

  # The name part of a package name string or of a package.
  # getName :: (String | Derivation) -> String
  # Example: getName "hello-2.10" => "hello"
  getName = x:
    if isString x then (builtins.parseDrvName x).name
    else x.pname or (builtins.parseDrvName x.name).name;

  # The version part of a package name string or of a package.
  # getVersion :: (String | Derivation) -> String
  # Example: getVersion "hello-2.10" => "2.10"
  getVersion = x:
    if isString x then (builtins.parseDrvName x).version
    else x.version or (builtins.parseDrvName x.name).version;

  # The part of a URL's last component before the separator.
  # nameFromURL :: String -> String -> String
  # Example: nameFromURL "https://x.org/foo-1.0.tar.gz" "-" => "foo"
  nameFromURL = url: sep:
    let
      file = lib.last (splitString "/" url);
      name = head (splitString sep file);
    in
    assert name != file; name;

  # Autoconf --enable-/--disable- flag.
  # enableFeature :: Bool -> String -> String
  # Example: enableFeature false "shared" => "--disable-shared"
  enableFeature = flag: name: "--${if flag then "enable" else "disable"}-${name}";

  # Autoconf --enable-name=value (or --disable-name).
  # enableFeatureAs :: Bool -> String -> String -> String
  # Example: enableFeatureAs true "x" "y" => "--enable-x=y"
  enableFeatureAs = flag: name: value: enableFeature flag name + optionalString flag "=${value}";

  # Autoconf --with-/--without- flag.
  # withFeature :: Bool -> String -> String
  # Example: withFeature true "ssl" => "--with-ssl"
  withFeature = flag: name: "--${if flag then "with" else "without"}-${name}";

  # Autoconf --with-name=value (or --without-name).
  # withFeatureAs :: Bool -> String -> String -> String
  # Example: withFeatureAs true "x" "y" => "--with-x=y"
  withFeatureAs = flag: name: value: withFeature flag name + optionalString flag "=${value}";

  # Meson -Dfeature=value.
  # mesonOption :: String -> String -> String
  # Example: mesonOption "docs" "false" => "-Ddocs=false"
  mesonOption = feature: value: "-D${feature}=${value}";

  # Meson boolean option.
  # mesonBool :: String -> Bool -> String
  # Example: mesonBool "docs" true => "-Ddocs=true"
  mesonBool = feature: flag: mesonOption feature (lib.boolToString flag);

  # Meson feature option (enabled/disabled).
  # mesonEnable :: String -> Bool -> String
  # Example: mesonEnable "x11" false => "-Dx11=disabled"
  mesonEnable = feature: flag: mesonOption feature (if flag then "enabled" else "disabled");

  # CMake -Dfeature:TYPE=value.
  # cmakeOptionType :: String -> String -> String -> String
  # Example: cmakeOptionType "string" "X" "y" => "-DX:STRING=y"
  cmakeOptionType = type: feature: value: "-D${feature}:${toUpper type}=${value}";

  # CMake boolean option.
  # cmakeBool :: String -> Bool -> String
  # Example: cmakeBool "BUILD_TESTING" false => "-DBUILD_TESTING:BOOL=FALSE"
  cmakeBool = feature: flag: cmakeOptionType "bool" feature (toUpper (lib.boolToString flag));

  # CMake string option.
  # cmakeFeature :: String -> String -> String
  # Example: cmakeFeature "X" "y" => "-DX:STRING=y"
  cmakeFeature = feature: value: cmakeOptionType "string" feature value;

  # Give the target the string context of src.
  # addContextFrom :: String -> String -> String
  # Example: addContextFrom drv.outPath "x" => "x" (depending on drv)
  addContextFrom = src: target: substring 0 0 src + target;

  # The contents of a file without a trailing newline.
  # fileContents :: Path -> String
  # Example: fileContents ./version => "1.0"
  fileContents = file: removeSuffix "\n" (builtins.readFile file);

  # Make a string usable as a derivation name: strip leading dots, replace
  # runs of invalid characters with "-", keep at most 207 characters (the
  # end), and use "unknown" for an empty result.
  # sanitizeDerivationName :: String -> String
  # Example: sanitizeDerivationName "../hello world" => "-hello-world"
  sanitizeDerivationName = s:
    let
      plain = builtins.unsafeDiscardStringContext s;
      noDots = head (match "\\.*(.*)" plain);
      replaced = concatMapStrings (p: if isList p then "-" else p) (split "[^[:alnum:]+._?=-]+" noDots);
      len = stringLength replaced;
      clipped = if len > 207 then substring (len - 207) 207 replaced else replaced;
    in
    if clipped == "" then "unknown" else clipped;

  # Collapse runs of slashes into one.
  # normalizePath :: String -> String
  # Example: normalizePath "/a//b///c/" => "/a/b/c/"
  normalizePath = s: concatMapStrings (p: if isList p then "/" else p) (split "/+" s);

  # Length of the longest common prefix of two strings.
  # commonPrefixLength :: String -> String -> Int
  # Example: commonPrefixLength "foobar" "fooqux" => 3
  commonPrefixLength = a: b:
    let
      n = lib.min (stringLength a) (stringLength b);
      go = i: if i < n && substring i 1 a == substring i 1 b then go (i + 1) else i;
    in
    go 0;

  # Length of the longest common suffix of two strings.
  # commonSuffixLength :: String -> String -> Int
  # Example: commonSuffixLength "foobar" "quxbar" => 3
  commonSuffixLength = a: b:
    let
      la = stringLength a;
      lb = stringLength b;
      n = lib.min la lb;
      go = i: if i < n && substring (la - i - 1) 1 a == substring (lb - i - 1) 1 b then go (i + 1) else i;
    in
    go 0;

  # Render a float (toString precision).
  # floatToString :: Float -> String
  # Example: floatToString 1.5 => "1.500000"
  floatToString = toString;

  # Render a boolean as "true" or "false".
  # boolToString :: Bool -> String
  # Example: boolToString false => "false"
  boolToString = lib.trivial.boolToString;
}
