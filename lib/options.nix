# lib.options: declaring options (mkOption and friends) and the merge helpers
# option types use. The merging itself is native (builtins.__sysrebuild).
{ lib }:
let
  native = lib.modules.native;
  inherit (lib) concatMapStringsSep concatStringsSep head length last all;
in
rec {
  # An option declaration: the set a module puts under `options`.
  # mkOption { default, defaultText, example, description, relatedPackages, type, apply,
  #   internal, visible, readOnly } (all optional): the attributes given, with
  # `_type = "option"`; any other attribute is an error. Native: it runs once per option.
  mkOption = native.mkOption;

  # Whether a value is an option declaration.
  isOption = v: builtins.isAttrs v && (v._type or "") == "option";

  # A Boolean option, false by default: mkEnableOption "the web server".
  mkEnableOption = name: mkOption {
    default = false;
    example = true;
    description = "Whether to enable ${name}.";
    type = lib.types.bool;
  };

  # An option for a package of `pkgs`, by attribute path.
  mkPackageOption = pkgs: name:
    { nullable ? false, default ? name, example ? null, extraDescription ? "", pkgsText ? "pkgs" }:
    let
      namePath = if builtins.isList name then name else [ name ];
      defaultPath = if builtins.isList default then default
        else if builtins.isString default then [ default ] else null;
      defaultValue = if defaultPath == null then default
        else lib.attrByPath defaultPath (throw "${concatStringsSep "." defaultPath} cannot be found in ${pkgsText}") pkgs;
      defaultText = if defaultPath == null then null
        else literalExpression ("${pkgsText}." + concatStringsSep "." defaultPath);
    in
    mkOption ({
      type = if nullable then lib.types.nullOr lib.types.package else lib.types.package;
      description = "The ${concatStringsSep "." namePath} package to use."
        + (if extraDescription == "" then "" else " " + extraDescription);
    } // (if default == null && !nullable then { } else { default = defaultValue; inherit defaultText; })
      // (if example == null then { } else {
      example = if builtins.isString example then literalExpression "${pkgsText}.${example}" else example;
    }));

  # Alias of mkPackageOption.
  mkPackageOptionMD = mkPackageOption;

  # Declares an option that accepts (and ignores) any definitions below it.
  mkSinkUndeclaredOptions = attrs: mkOption ({
    internal = true;
    visible = false;
    default = false;
    description = "Sink for option definitions.";
    type = lib.types.mkOptionType {
      name = "sink";
      check = x: true;
      merge = loc: defs: false;
    };
    apply = x: throw "Option value is not readable because the option is not declared.";
  } // attrs);

  # A default or example shown as Nix code in documentation.
  literalExpression = text:
    if !builtins.isString text then throw "literalExpression expects a string."
    else { _type = "literalExpression"; inherit text; };
  # Alias of literalExpression.
  literalExample = literalExpression;
  # A default or example shown as Markdown in documentation.
  literalMD = text:
    if !builtins.isString text then throw "literalMD expects a string."
    else { _type = "literalMD"; inherit text; };
  # Kept for compatibility: descriptions are Markdown already.
  mdDoc = x: x;

  # Merge helpers for option types.
  mergeEqualOption = native.mergeEqualOption;

  # Merges definitions by their kind (lists concatenate, sets update, ...).
  mergeDefaultOption = loc: defs:
    let list = map (d: d.value) defs; in
    if length list == 1 then head list
    else if all builtins.isFunction list then x: mergeDefaultOption loc (map (f: { value = f x; }) defs)
    else if all builtins.isList list then builtins.concatLists list
    else if all builtins.isAttrs list then builtins.foldl' lib.mergeAttrs { } list
    else if all builtins.isBool list then builtins.any (x: x) list
    else if all builtins.isString list then lib.concatStrings list
    else if all builtins.isInt list && all (x: x == head list) list then head list
    else throw "Cannot merge definitions of `${showOption loc}'. Definition values:${showDefs defs}";

  # Exactly one definition allowed.
  mergeOneOption = mergeUniqueOption { message = ""; };

  # Exactly one definition allowed, with an extra message on error.
  mergeUniqueOption = { message }: loc: defs:
    if length defs == 1 then (head defs).value
    else throw "The option `${showOption loc}' is defined multiple times while it's expected to be unique.${
      if message == "" then "" else "\n" + message}\nDefinition values:${showDefs defs}\nUse `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.";

  # The values of definitions.
  getValues = map (x: x.value);
  # The files of definitions.
  getFiles = map (x: x.file);

  # An option path as text: a.b."c.d".
  showOption = parts:
    let
      plain = p: builtins.match "[a-zA-Z0-9_][a-zA-Z0-9_'-]*" p != null;
      special = p: p == "*" || builtins.match "<.+>" p != null;
      one = p: if plain p || special p then p else builtins.toJSON p;
    in concatStringsSep "." (map one parts);

  # Files as text: `a' and `b'.
  showFiles = files: concatStringsSep " and " (map (f: "`${f}'") files);

  # Definitions as the lines of an error message.
  showDefs = defs: lib.concatMapStrings (def:
    let
      pretty = builtins.tryEval (lib.generators.toPretty { } def.value);
      text = if pretty.success then pretty.value else "<error>";
    in "\n- In `${def.file}': ${text}") defs;

  # The file name of modules that have none.
  unknownModule = "<unknown-file>";

  # Documentation helpers.
  optionAttrSetToDocList = optionAttrSetToDocList' [ ];
  # optionAttrSetToDocList under a prefix.
  optionAttrSetToDocList' = prefix: options:
    lib.concatMap (opt:
      let
        doc = {
          name = showOption opt.loc;
          description = opt.description or null;
          declarations = opt.declarations or [ ];
          internal = opt.internal or false;
          visible = opt.visible or true;
          readOnly = opt.readOnly or false;
          type = opt.type.description or "unspecified";
        } // lib.optionalAttrs (opt ? example) { example = opt.example; }
          // lib.optionalAttrs (opt ? default) { default = opt.defaultText or opt.default; };
      in [ doc ])
      (lib.collect isOption options);

  # Kept for compatibility: the identity.
  scrubOptionValue = x: x;
}
