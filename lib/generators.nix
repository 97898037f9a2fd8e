# Serialise Nix values into configuration file formats.
{ lib }:

let
  inherit (builtins) isInt isFloat isString isList isAttrs isPath length concatStringsSep;
  inherit (lib) mapAttrsToList isDerivation isFunction escape;
in
rec {
  # Render a scalar as it appears on the right of `key=`; lists, sets and
  # functions are rejected.
  # mkValueStringDefault :: {} -> Any -> String
  # Example: mkValueStringDefault { } true => "true"
  mkValueStringDefault = { }: v:
    let unsupported = what: throw "generators.mkValueStringDefault: ${what} not supported: ${toPretty { } v}"; in
    if isInt v then toString v
    else if isDerivation v then toString v
    else if isString v then v
    else if v == true then "true"
    else if v == false then "false"
    else if v == null then "null"
    else if isList v then unsupported "lists"
    else if isAttrs v then unsupported "attrsets"
    else if isFunction v then unsupported "functions"
    else if isFloat v then lib.strings.floatToString v
    else if isPath v then toString v
    else unsupported "this value is";

  # A `key<sep>value` line renderer; the separator is escaped in keys.
  # mkKeyValueDefault :: { mkValueString ? (Any -> String) } -> String -> String -> Any -> String
  # Example: mkKeyValueDefault { } ":" "a" 1 => "a:1"
  mkKeyValueDefault = { mkValueString ? mkValueStringDefault { } }: sep: k: v:
    "${escape [ sep ] k}${sep}${mkValueString v}";

  # Render a flat attribute set as `key=value` lines (each newline
  # terminated); with listsAsDuplicateKeys, lists become repeated keys.
  # toKeyValue :: { mkKeyValue ?; listsAsDuplicateKeys ? Bool; indent ? String } -> AttrSet -> String
  # Example: toKeyValue { } { a = 1; b = "x"; } => "a=1\nb=x\n"
  toKeyValue = { mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false, indent ? "" }: attrs:
    let
      line = k: v: indent + mkKeyValue k v + "\n";
      lines = k: v: if listsAsDuplicateKeys && isList v then map (line k) v else [ (line k v) ];
    in
    lib.concatStrings (builtins.concatLists (mapAttrsToList lines attrs));

  # Render an attribute set of sections (each a flat set) as INI; sections
  # are separated by an empty line.
  # toINI :: { mkSectionName ?; mkKeyValue ?; listsAsDuplicateKeys ? Bool } -> AttrSet -> String
  # Example: toINI { } { s = { a = 1; }; } => "[s]\na=1\n"
  toINI = { mkSectionName ? (name: escape [ "[" "]" ] name), mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false }: sections:
    let
      section = name: values:
        "[${mkSectionName name}]\n" + toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } values;
    in
    concatStringsSep "\n" (mapAttrsToList section sections);

  # INI with a section-less part at the top.
  # toINIWithGlobalSection :: { mkSectionName ?; mkKeyValue ?; listsAsDuplicateKeys ? Bool } -> { globalSection :: AttrSet; sections ? AttrSet } -> String
  # Example: toINIWithGlobalSection { } { globalSection = { a = 1; }; sections.s.b = 2; } => "a=1\n\n[s]\nb=2\n"
  toINIWithGlobalSection = { mkSectionName ? (name: escape [ "[" "]" ] name), mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false }:
    { globalSection, sections ? { } }:
    (if globalSection == { } then ""
     else toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } globalSection + "\n")
    + toINI { inherit mkSectionName mkKeyValue listsAsDuplicateKeys; } sections;

  # Render nested settings as a git config file: `a.b.c = v` becomes
  # section `[a "b"]` with key `c`; strings are quoted and escaped, lists
  # become repeated keys.
  # toGitINI :: AttrSet -> String
  # Example: toGitINI { user.name = "me"; } => "[user]\n\tname = \"me\"\n"
  toGitINI = attrs:
    let
      sectionName = name:
        let parts = lib.splitString "." name; in
        if lib.hasInfix "\"" name || length parts == 1 then name
        else "${builtins.head parts} \"${concatStringsSep "." (builtins.tail parts)}\"";

      valueString = v:
        mkValueStringDefault { } (
          if isString v
          then "\"${builtins.replaceStrings [ "\n" "\t" "\"" "\\" ] [ "\\n" "\\t" "\\\"" "\\\\" ] v}\""
          else v);

      keyValue = k: v:
        concatStringsSep "\n" (map (x: "\t" + mkKeyValueDefault { mkValueString = valueString; } " = " k x) (lib.toList v));

      # { a.b.c = 1; } -> [ { section = "a.b"; key = "c"; value = 1; } ]
      leaves = path: v:
        if isAttrs v && !isDerivation v
        then builtins.concatLists (mapAttrsToList (n: leaves (path ++ [ n ])) v)
        else [{
          section = concatStringsSep "." (lib.init path);
          key = lib.last path;
          value = v;
        }];

      grouped = builtins.groupBy (l: l.section) (leaves [ ] attrs);
      sections = builtins.mapAttrs (s: ls: builtins.listToAttrs (map (l: lib.nameValuePair l.key l.value) ls)) grouped;
    in
    toINI { mkSectionName = sectionName; mkKeyValue = keyValue; } sections;

  # JSON rendering (the argument set is for interface compatibility).
  # toJSON :: {} -> Any -> String
  # Example: toJSON { } { a = 1; } => "{\"a\":1}"
  toJSON = { }: builtins.toJSON;

  # YAML rendering; JSON is valid YAML, so this is toJSON.
  # toYAML :: {} -> Any -> String
  # Example: toYAML { } [ 1 ] => "[1]"
  toYAML = { }: builtins.toJSON;

  # Render any value as readable Nix-like text. With multiline = false
  # everything is on one line; with allowPrettyValues, sets of the form
  # { __pretty = f; val = v; } are rendered as f v.
  # toPretty :: { allowPrettyValues ? Bool; multiline ? Bool; indent ? String } -> Any -> String
  # Example: toPretty { multiline = false; } { a = [ 1 "x" ]; } => "{ a = [ 1 \"x\" ]; }"
  toPretty = { allowPrettyValues ? false, multiline ? true, indent ? "" }:
    let
      render = ind: v:
        let
          open = if multiline then "\n${ind}  " else " ";
          close = if multiline then "\n${ind}" else " ";
          inner = ind + "  ";
        in
        if isInt v then toString v
        else if isFloat v then builtins.toJSON v
        else if isString v then prettyString ind open close v
        else if v == true then "true"
        else if v == false then "false"
        else if v == null then "null"
        else if isPath v then toString v
        else if isList v then
          (if v == [ ] then "[ ]"
           else "[" + open + concatStringsSep open (map (render inner) v) + close + "]")
        else if isFunction v then
          let
            args = lib.functionArgs v;
            shown = concatStringsSep ", " (mapAttrsToList (n: hasDefault: if hasDefault then n + "?" else n) args);
          in
          if args == { } then "<function>" else "<function, args: {${shown}}>"
        else if isAttrs v then
          (if allowPrettyValues && v ? __pretty && v ? val then v.__pretty v.val
           else if v == { } then "{ }"
           else if isDerivation v then "<derivation ${v.name or "???"}>"
           else "{" + open
             + concatStringsSep open (mapAttrsToList (n: x: "${lib.escapeNixIdentifier n} = ${render inner x};") v)
             + close + "}")
        else throw "generators.toPretty: unexpected value";

      prettyString = ind: open: close: s:
        let
          lines = builtins.filter isString (builtins.split "\n" s);
          single = "\"" + concatStringsSep "\\n" (map (escape [ "\\" "\"" "\${" ]) lines) + "\"";
          escaped = map (builtins.replaceStrings [ "\${" "''" ] [ "''\${" "'''" ]) lines;
          lastLine = lib.last escaped;
          multi = "''" + open + concatStringsSep open (lib.init escaped)
            + (if lastLine == "" then close else open + lastLine) + "''";
        in
        if multiline && length lines > 1 then multi else single;
    in
    render indent;
}
