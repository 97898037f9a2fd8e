# Evaluated by `sysrebuild options`: the options of a configuration, as data.
# CONFIG is a file whose value is an evalModules result, or a module.
{ file, pattern ? "", option ? null }:
let
  lib = import <sysrebuild/lib>;
  v = import file;
  eval = if builtins.isAttrs v && (v._type or null) == "configuration" then v
    else lib.evalModules { modules = [ file ]; };
  safe = x: let r = builtins.tryEval (builtins.deepSeq x x); in if r.success then r.value else null;
  pretty = x:
    let r = builtins.tryEval (lib.generators.toPretty { } x); in
    if r.success then r.value else "<error>";
  shownDefault = o:
    if o ? defaultText then (if builtins.isAttrs o.defaultText && o.defaultText ? text then o.defaultText.text else pretty o.defaultText)
    else if o ? default then pretty o.default else null;
  shownExample = o:
    if !(o ? example) then null
    else if builtins.isAttrs o.example && o.example ? text then o.example.text
    else pretty o.example;
  # Options below submodule-typed options (`users.users.<name>.home`) are listed too,
  # as NixOS's manual lists them.
  subOptions = o:
    let r = builtins.tryEval (o.type.getSubOptions o.loc); in
    if r.success && builtins.isAttrs r.value then r.value else { };
  collect = o:
    if lib.isOption o then
      (if (o.visible or true) == false then [ ]
       else [ o ] ++ (if (o.visible or true) == "shallow" then [ ] else collect (subOptions o)))
    else if builtins.isAttrs o then lib.concatMap (n: collect o.${n}) (builtins.attrNames o)
    else [ ];
  describe = o: {
    name = lib.showOption o.loc;
    type = safe (o.type.description or "unspecified");
    default = shownDefault o;
    example = shownExample o;
    description = safe (o.description or null);
    declarations = o.declarations or [ ];
    internal = o.internal or false;
    readOnly = o.readOnly or false;
  };
  all = builtins.filter (d: !d.internal && lib.hasInfix pattern d.name)
    (map describe (collect (builtins.removeAttrs eval.options [ "_module" ])));
  shown =
    let
      path = lib.splitString "." option;
      o = lib.attrByPath path null eval.options;
      value = builtins.tryEval o.value;
    in
    if !(lib.isOption o) then throw "The option `${option}' does not exist."
    else describe o // {
      isDefined = o.isDefined;
      value = if !o.isDefined && !(o ? default) then null
        else if value.success then pretty value.value else "<error>";
      definitions = lib.zipListsWith (pos: val: pos // { value = pretty val; })
        o.definitionPositions o.definitions;
    };
in
if option == null then all else shown
