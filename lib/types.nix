# lib.types: option types. Each type is a set with `_type = "option-type"`,
# `name`, `description`, `check`, `merge`, `getSubOptions`, `getSubModules`,
# `substSubModules`, `typeMerge`, `functor`, `nestedTypes` and `emptyValue`,
# so that user-made types (mkOptionType) combine with these. Definitions are
# merged by the native mergeDefinitions (builtins.__sysrebuild).
{ lib }:
let
  native = lib.modules.native;
  inherit (lib.options) mergeEqualOption mergeOneOption mergeDefaultOption
    showOption showDefs mergeUniqueOption;
  inherit (lib) last head length all any elem concatMap concatLists
    filterAttrs mapAttrs isFunction isDerivation optionalAttrs isStorePath
    concatMapStringsSep concatStringsSep;
  inherit (builtins) isAttrs isList isString isInt isFloat isBool isPath;

  mergeDefinitions = native.mergeDefinitions;

  # `memo f`: f, computing `f x` once for the very same argument (a type constructor's
  # result only depends on its argument; see __sysrebuild.memoOnArgument).
  memo = native.memoOnArgument;

  isStringLike = x: isString x || isPath x || x ? outPath || x ? __toString;

  # "(a b)" unless the type's description class reads well unparenthesised.
  phrase = ok: t:
    let class = t.descriptionClass or null; in
    if ok class then t.description else "(${t.description})";
  nounOrComposite = c: c == "noun" || c == "composite";
  nounOrConjunction = c: c == "noun" || c == "conjunction";

  # Shared by every type built by a constructor (one type per declared option): written
  # inline, each would be a thunk, then a set, per type.
  emptySetValue = { value = { }; };
  emptyListValue = { value = [ ]; };
  nullValue = { value = null; };
  isModuleLike = x: isAttrs x || isFunction x || types.path.check x;
  # The module giving a submodule value its `name` argument. The name is computed at
  # once: left as a thunk, it would keep the whole `merge` call (every definition) alive
  # for as long as the value's evaluation, since `name` is rarely asked for.
  nameModule = name: builtins.seq name { _module.args.name = name; };

  defaultFunctor = name: {
    inherit name;
    type = types.${name} or null;
    wrapped = null;
    payload = null;
    binOp = a: b: null;
  };

  # How two types of the same kind combine when an option is declared twice.
  defaultTypeMerge = f: f':
    let
      wrapped = f.wrapped.typeMerge f'.wrapped.functor;
      payload = f.binOp f.payload f'.payload;
    in
    if f.name != f'.name then null
    else if f.wrapped == null && f.payload == null then f.type
    else if f.payload != null then (if payload == null then null else f.type payload)
    else if wrapped == null then null
    else f.type wrapped;

  # mkOptionType { name, description ? name, descriptionClass ? null, check ? (x: true),
  #   merge ? mergeDefaultOption, emptyValue ? { }, getSubOptions ? (prefix: { }),
  #   getSubModules ? null, substSubModules ? (m: null), typeMerge ? defaultTypeMerge functor,
  #   functor ? defaultFunctor name, deprecationMessage ? null, nestedTypes ? { } }:
  # the type set, `_type = "option-type"`. Built natively (one per declared type); the
  # defaults written in Nix are handed over here.
  mkOptionType = native.mkOptionType {
    inherit mergeDefaultOption defaultFunctor defaultTypeMerge;
    alwaysTrue = x: true;
    noSubOptions = prefix: { };
    noSubModules = m: null;
  };

  isType = type: x: (x._type or "") == type;
  isOptionType = isType "option-type";

  elemLoc = loc: n: m: loc ++ [ "[definition ${toString n}-entry ${toString m}]" ];

  ints =
    let
      betweenDesc = lo: hi: "${toString lo} and ${toString hi} (both inclusive)";
      between = lo: hi:
        assert lib.assertMsg (lo <= hi) "ints.between: lowest must be smaller than highest";
        types.addCheck types.int (x: x >= lo && x <= hi) // {
          name = "intBetween";
          description = "integer between ${betweenDesc lo hi}";
        };
      sign = bit: range: types.addCheck types.int (x: x >= range.lo && x <= range.hi) // {
        name = "${if range.lo < 0 then "s" else "u"}nsignedInt${toString bit}";
        description = "${toString bit} bit ${if range.lo < 0 then "signed" else "unsigned"} integer; between ${betweenDesc range.lo range.hi}";
      };
      unsign = bit: sign bit { lo = 0; hi = (pow2 bit) - 1; };
      signed = bit: sign bit { lo = - (pow2 (bit - 1)); hi = (pow2 (bit - 1)) - 1; };
      pow2 = n: if n == 0 then 1 else 2 * pow2 (n - 1);
    in
    {
      inherit between;
      unsigned = types.addCheck types.int (x: x >= 0) // {
        name = "unsignedInt";
        description = "unsigned integer, meaning >=0";
        descriptionClass = "nonRestrictiveClause";
      };
      positive = types.addCheck types.int (x: x > 0) // {
        name = "positiveInt";
        description = "positive integer, meaning >0";
        descriptionClass = "nonRestrictiveClause";
      };
      u8 = unsign 8; u16 = unsign 16; u32 = unsign 32; u64 = unsign 64;
      s8 = signed 8; s16 = signed 16; s32 = signed 32;
    };

  types = {
    inherit isType isOptionType mkOptionType ints defaultFunctor defaultTypeMerge;
    inherit (ints) between;
    port = ints.u16;

    raw = mkOptionType {
      name = "raw";
      description = "raw value";
      descriptionClass = "noun";
      check = x: true;
      merge = mergeOneOption;
    };

    anything = mkOptionType {
      name = "anything";
      description = "anything";
      descriptionClass = "noun";
      check = x: true;
      merge = loc: defs:
        let
          getType = v: if isAttrs v && isStringLike v then "stringCoercibleSet" else builtins.typeOf v;
          commonType = builtins.foldl' (t: def:
            if getType def.value == t then t
            else throw "The option `${showOption loc}' has conflicting definition values:${showDefs defs}")
            (getType (head defs).value) defs;
          mergeFunction = {
            set = (types.attrsOf types.anything).merge;
            list = (types.listOf types.anything).merge;
            lambda = loc: defs: arg: types.anything.merge (loc ++ [ "<function body>" ])
              (map (def: { file = def.file; value = def.value arg; }) defs);
          }.${commonType} or mergeEqualOption;
        in mergeFunction loc defs;
    };

    unspecified = mkOptionType {
      name = "unspecified";
      description = "unspecified value";
      descriptionClass = "noun";
    };

    bool = mkOptionType {
      name = "bool";
      description = "boolean";
      descriptionClass = "noun";
      check = builtins.isBool;
      merge = mergeEqualOption;
    };

    boolByOr = mkOptionType {
      name = "boolByOr";
      description = "boolean (merged using or)";
      descriptionClass = "noun";
      check = builtins.isBool;
      merge = loc: defs: builtins.any (d: d.value) defs;
    };

    int = mkOptionType {
      name = "int";
      description = "signed integer";
      descriptionClass = "noun";
      check = builtins.isInt;
      merge = mergeEqualOption;
    };

    float = mkOptionType {
      name = "float";
      description = "floating point number";
      descriptionClass = "noun";
      check = builtins.isFloat;
      merge = mergeEqualOption;
    };

    number = types.either types.int types.float // {
      name = "number";
      description = "signed integer or floating point number";
      descriptionClass = "noun";
    };

    numbers = {
      between = lo: hi: types.addCheck types.number (x: x >= lo && x <= hi) // {
        name = "numberBetween";
        description = "integer or floating point number between ${toString lo} and ${toString hi} (both inclusive)";
      };
      nonnegative = types.addCheck types.number (x: x >= 0) // {
        name = "numberNonnegative";
        description = "nonnegative integer or floating point number, meaning >=0";
      };
      positive = types.addCheck types.number (x: x > 0) // {
        name = "numberPositive";
        description = "positive integer or floating point number, meaning >0";
      };
    };

    str = mkOptionType {
      name = "str";
      description = "string";
      descriptionClass = "noun";
      check = builtins.isString;
      merge = mergeEqualOption;
    };

    nonEmptyStr = mkOptionType {
      name = "nonEmptyStr";
      description = "non-empty string";
      descriptionClass = "noun";
      check = x: isString x && builtins.match "[ \t\n]*" x == null;
      merge = mergeEqualOption;
    };

    singleLineStr = mkOptionType {
      name = "singleLineStr";
      description = "(optionally newline-terminated) single-line string";
      descriptionClass = "noun";
      check = x: isString x && builtins.match "[^\n]*\n?" x != null;
      merge = loc: defs: lib.removeSuffix "\n" (mergeEqualOption loc defs);
    };

    strMatching = pattern: mkOptionType {
      name = "strMatching ${builtins.toJSON pattern}";
      description = "string matching the pattern ${pattern}";
      descriptionClass = "noun";
      check = x: isString x && builtins.match pattern x != null;
      merge = mergeEqualOption;
      functor = defaultFunctor "strMatching" // { type = p: types.strMatching p; payload = pattern; binOp = a: b: if a == b then a else null; };
    };

    separatedString = sep: mkOptionType {
      name = "separatedString";
      description = if sep == "" then "Concatenated string" else "strings concatenated with ${builtins.toJSON sep}";
      descriptionClass = "noun";
      check = isString;
      merge = loc: defs: concatStringsSep sep (map (d: d.value) defs);
      functor = defaultFunctor "separatedString" // {
        type = types.separatedString;
        payload = sep;
        binOp = a: b: if a == b then a else null;
      };
    };

    string = types.separatedString "" // { name = "string"; };
    lines = types.separatedString "\n";
    commas = types.separatedString ",";
    envVar = types.separatedString ":";

    passwdEntry = entryType: types.addCheck entryType (s: builtins.match ".*[:\n].*" s == null) // {
      name = "passwdEntry ${entryType.name}";
      description = "${phrase (c: c == "noun") entryType}, not containing newlines or colons";
      descriptionClass = "nonRestrictiveClause";
    };

    attrs = mkOptionType {
      name = "attrs";
      description = "attribute set";
      check = isAttrs;
      merge = loc: builtins.foldl' (res: def: res // def.value) { };
      emptyValue = emptySetValue;
    };

    package = mkOptionType {
      name = "package";
      descriptionClass = "noun";
      check = x: isDerivation x || isStorePath x;
      merge = loc: defs:
        let res = mergeOneOption loc defs; in
        if builtins.isPath res || (isString res && !builtins.hasContext res)
        then throw "The option `${showOption loc}' is defined as a path, not a package."
        else res;
    };

    shellPackage = types.package // {
      check = x: isDerivation x && x ? shellPath;
      name = "shellPackage";
      description = "shell package";
    };

    path = mkOptionType {
      name = "path";
      descriptionClass = "noun";
      check = x: isStringLike x && builtins.substring 0 1 (toString x) == "/";
      merge = mergeEqualOption;
    };

    pathInStore = mkOptionType {
      name = "pathInStore";
      description = "path in the Nix store";
      descriptionClass = "noun";
      check = x: isStringLike x && lib.hasPrefix builtins.storeDir (toString x);
      merge = mergeEqualOption;
    };

    pkgs = types.attrs // { name = "pkgs"; description = "package set"; };

    enum = values:
      let
        show = v:
          if isString v then ''"${v}"''
          else if isInt v then toString v
          else if isBool v then lib.boolToString v
          else ''<${builtins.typeOf v}>'';
      in
      mkOptionType {
        name = "enum";
        description =
          if values == [ ] then "impossible (empty enum)"
          else if length values == 1 then "value ${show (head values)} (singular enum)"
          else "one of ${concatMapStringsSep ", " show values}";
        descriptionClass = if length values < 2 then "noun" else "conjunction";
        check = v: elem v values;
        merge = mergeEqualOption;
        functor = defaultFunctor "enum" // {
          type = types.enum;
          payload = values;
          binOp = a: b: lib.unique (a ++ b);
        };
      };

    listOf = memo (elemType: mkOptionType {
      name = "listOf";
      description = "list of ${phrase nounOrComposite elemType}";
      descriptionClass = "composite";
      check = isList;
      merge = native.mergeListOf elemType;
      emptyValue = emptyListValue;
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: types.listOf (elemType.substSubModules m);
      functor = defaultFunctor "listOf" // { wrapped = elemType; };
      nestedTypes.elemType = elemType;
    });

    nonEmptyListOf = elemType:
      let list = types.addCheck (types.listOf elemType) (l: l != [ ]); in
      list // {
        description = "non-empty ${phrase nounOrComposite list}";
        emptyValue = { };
        substSubModules = m: types.nonEmptyListOf (elemType.substSubModules m);
      };

    attrsOf = memo (elemType: attrsType "attrsOf" false elemType);
    lazyAttrsOf = memo (elemType: attrsType "lazyAttrsOf" true elemType);

    uniq = types.unique { message = ""; };
    unique = { message }: elemType: mkOptionType rec {
      name = "unique";
      inherit (elemType) description descriptionClass check;
      merge = mergeUniqueOption { inherit message; };
      emptyValue = elemType.emptyValue;
      getSubOptions = elemType.getSubOptions;
      getSubModules = elemType.getSubModules;
      substSubModules = m: types.unique { inherit message; } (elemType.substSubModules m);
      functor = defaultFunctor name // { wrapped = elemType; };
      nestedTypes.elemType = elemType;
    };

    nullOr = memo (elemType: mkOptionType rec {
      name = "nullOr";
      description = "null or ${phrase nounOrConjunction elemType}";
      descriptionClass = "conjunction";
      check = x: x == null || elemType.check x;
      merge = loc: defs:
        let nrNulls = length (builtins.filter (d: d.value == null) defs); in
        if nrNulls == length defs then null
        else if nrNulls != 0 then
          throw "The option `${showOption loc}' is defined both null and not null, in ${lib.options.showFiles (map (d: d.file) defs)}."
        else elemType.merge loc defs;
      emptyValue = nullValue;
      getSubOptions = elemType.getSubOptions;
      getSubModules = elemType.getSubModules;
      substSubModules = m: types.nullOr (elemType.substSubModules m);
      functor = defaultFunctor name // { wrapped = elemType; };
      nestedTypes.elemType = elemType;
    });

    functionTo = memo (elemType: mkOptionType {
      name = "functionTo";
      description = "function that evaluates to a(n) ${phrase nounOrComposite elemType}";
      descriptionClass = "composite";
      check = isFunction;
      merge = loc: defs: fnArgs:
        (mergeDefinitions (loc ++ [ "<function body>" ]) elemType
          (map (fn: { inherit (fn) file; value = fn.value fnArgs; }) defs)).mergedValue;
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<function body>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: types.functionTo (elemType.substSubModules m);
      functor = defaultFunctor "functionTo" // { wrapped = elemType; };
      nestedTypes.elemType = elemType;
    });

    either = memo (t1: memo (t2: mkOptionType rec {
      name = "either";
      description =
        if t1.descriptionClass or null == "nonRestrictiveClause"
        then "${t2.description} or ${t1.description}"
        else "${phrase nounOrConjunction t1} or ${phrase (c: c == "noun" || c == "conjunction" || c == "composite") t2}";
      descriptionClass = "conjunction";
      check = x: t1.check x || t2.check x;
      merge = loc: defs:
        let defList = map (d: d.value) defs; in
        if all (x: t1.check x) defList then t1.merge loc defs
        else if all (x: t2.check x) defList then t2.merge loc defs
        else mergeOneOption loc defs;
      typeMerge = f':
        let mt1 = t1.typeMerge (builtins.elemAt f'.wrapped 0).functor;
            mt2 = t2.typeMerge (builtins.elemAt f'.wrapped 1).functor;
        in if name == f'.name && mt1 != null && mt2 != null then functor.type mt1 mt2 else null;
      functor = defaultFunctor name // { wrapped = [ t1 t2 ]; };
      nestedTypes.left = t1;
      nestedTypes.right = t2;
    }));

    oneOf = ts:
      if ts == [ ] then throw "types.oneOf needs at least one type in its argument"
      else builtins.foldl' types.either (head ts) (lib.tail ts);

    coercedTo = coercedType: coerceFunc: finalType:
      assert lib.assertMsg (coercedType.getSubModules == null)
        "coercedTo: coercedType must not have submodules (it's a ${coercedType.description})";
      mkOptionType rec {
        name = "coercedTo";
        description = "${phrase nounOrComposite finalType} or ${phrase nounOrComposite coercedType} convertible to it";
        check = x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x;
        merge = loc: defs:
          let coerceVal = val: if coercedType.check val then coerceFunc val else val; in
          finalType.merge loc (map (def: def // { value = coerceVal def.value; }) defs);
        emptyValue = finalType.emptyValue;
        getSubOptions = finalType.getSubOptions;
        getSubModules = finalType.getSubModules;
        substSubModules = m: types.coercedTo coercedType coerceFunc (finalType.substSubModules m);
        typeMerge = t: null;
        functor = defaultFunctor name // { wrapped = finalType; };
        nestedTypes.coercedType = coercedType;
        nestedTypes.finalType = finalType;
      };

    addCheck = elemType: check: elemType // {
      check = x: elemType.check x && check x;
    };

    submodule = modules: types.submoduleWith {
      shorthandOnlyDefinesConfig = true;
      modules = lib.toList modules;
    };

    submoduleWith =
      { modules, specialArgs ? { }, shorthandOnlyDefinesConfig ? false
      , description ? null, class ? null }@attrs:
      let
        allModules = defs: map ({ value, file }:
          if isAttrs value && shorthandOnlyDefinesConfig
          then { _file = file; config = value; }
          else { _file = file; imports = [ value ]; }) defs;
        base = lib.evalModules {
          inherit class specialArgs;
          modules = [ { _module.args.name = lib.mkOptionDefault "‹name›"; } ] ++ modules;
        };
        freeformType = base._module.freeformType;
        name = "submodule";
      in
      mkOptionType {
        inherit name;
        description = if description != null then description
          else if freeformType != null then freeformType.description else name;
        descriptionClass = "noun";
        check = isModuleLike;
        # One evaluation per value (`attrsOf (submodule …)` has one per attribute): the
        # native evaluation directly, and only its `config`, without lib.evalModules'
        # result set.
        merge = loc: defs:
          native.evalModulesConfig lib {
            inherit class specialArgs;
            prefix = loc;
            modules = [ lib.modules.internalModule
              # (`loc` is only empty when `merge` is called by hand: left lazy then.)
              (if loc == [ ] then { _module.args.name = last loc; } else nameModule (last loc)) ]
              ++ modules ++ allModules defs;
          };
        emptyValue = emptySetValue;
        getSubOptions = prefix: (lib.evalModules {
          inherit class specialArgs prefix;
          modules = [ { _module.args.name = lib.mkOptionDefault "‹name›"; } ] ++ modules;
        }).options // optionalAttrs (freeformType != null) {
          _freeformOptions = freeformType.getSubOptions prefix;
        };
        getSubModules = modules;
        substSubModules = m: types.submoduleWith (attrs // { modules = m; });
        nestedTypes = optionalAttrs (freeformType != null) { inherit freeformType; };
        functor = defaultFunctor name // {
          type = types.submoduleWith;
          payload = { inherit modules class specialArgs shorthandOnlyDefinesConfig description; };
          binOp = lhs: rhs: {
            class = if lhs.class == null then rhs.class else if rhs.class == null || lhs.class == rhs.class then lhs.class
              else throw "A submoduleWith option is declared multiple times with conflicting class values \"${lhs.class}\" and \"${rhs.class}\".";
            modules = lhs.modules ++ rhs.modules;
            specialArgs = lhs.specialArgs // rhs.specialArgs;
            shorthandOnlyDefinesConfig =
              if lhs.shorthandOnlyDefinesConfig == null then rhs.shorthandOnlyDefinesConfig
              else if rhs.shorthandOnlyDefinesConfig == null then lhs.shorthandOnlyDefinesConfig
              else if lhs.shorthandOnlyDefinesConfig == rhs.shorthandOnlyDefinesConfig then lhs.shorthandOnlyDefinesConfig
              else throw "A submoduleWith option is declared multiple times with conflicting shorthandOnlyDefinesConfig values";
            description = if lhs.description == null then rhs.description
              else if rhs.description == null || lhs.description == rhs.description then lhs.description
              else throw "A submoduleWith option is declared multiple times with conflicting descriptions";
          };
        };
      };

    deferredModule = types.deferredModuleWith { };
    deferredModuleWith = { staticModules ? [ ] }: mkOptionType {
      name = "deferredModule";
      description = "module";
      descriptionClass = "noun";
      check = isModuleLike;
      merge = loc: defs: {
        imports = staticModules ++ map (def: { _file = "${def.file}, via option ${showOption loc}"; imports = [ def.value ]; }) defs;
      };
      getSubModules = staticModules;
      substSubModules = m: types.deferredModuleWith { staticModules = m; };
      functor = defaultFunctor "deferredModuleWith" // {
        type = types.deferredModuleWith;
        payload = { inherit staticModules; };
        binOp = lhs: rhs: { staticModules = lhs.staticModules ++ rhs.staticModules; };
      };
    };

    optionType = mkOptionType {
      name = "optionType";
      description = "optionType";
      descriptionClass = "noun";
      check = isOptionType;
      merge = loc: defs:
        if length defs == 1 then (head defs).value
        else
          let
            mergeTwo = a: b:
              let m = a.typeMerge b.functor; in
              if m == null then throw "The option `${showOption loc}' has conflicting type definitions that cannot be merged:${showDefs defs}"
              else m;
          in builtins.foldl' mergeTwo (head defs).value (lib.tail defs);
    };

    # Settings formats: JSON and TOML-like values (null allowed for JSON).
    json = let
      valueType = types.nullOr (types.oneOf [
        types.bool types.int types.float types.str types.path
        (types.attrsOf valueType) (types.listOf valueType)
      ]) // { description = "JSON value"; };
    in valueType;
    toml = let
      valueType = types.oneOf [
        types.bool types.int types.float types.str types.path
        (types.attrsOf valueType) (types.listOf valueType)
      ] // { description = "TOML value"; };
    in valueType;
  };

  attrsWith = { elemType, lazy ? false }:
    if lazy then attrsType "lazyAttrsOf" true elemType else attrsType "attrsOf" false elemType;

  # The type of `attrsOf elemType` (named `name`) or, when `lazy`, `lazyAttrsOf elemType`.
  attrsType = name: lazy: elemType: mkOptionType {
    inherit name;
    description = (if lazy then "lazy attribute set of " else "attribute set of ")
      + phrase nounOrComposite elemType;
    descriptionClass = "composite";
    check = isAttrs;
    # attrsOf merges natively; lazyAttrsOf merges each attribute only when it is used.
    merge = if !lazy then native.mergeAttrsOf elemType else loc: defs:
      let
        byName = builtins.zipAttrsWith (name: ds: ds)
          (map (def: mapAttrs (n: v: { inherit (def) file; value = v; }) def.value) defs);
      in
      mapAttrs (name: ds:
        let r = mergeDefinitions (loc ++ [ name ]) elemType ds; in
        r.optionalValue.value or elemType.emptyValue.value or r.mergedValue) byName;
    emptyValue = emptySetValue;
    getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<name>" ]);
    getSubModules = elemType.getSubModules;
    substSubModules = m: attrsWith { elemType = elemType.substSubModules m; inherit lazy; };
    functor = defaultFunctor name // { wrapped = elemType; };
    nestedTypes.elemType = elemType;
  };
in
types // { inherit attrsWith; }
