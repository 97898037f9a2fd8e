# lib.modules: evaluating modules (native: builtins.__sysrebuild), the
# properties definitions carry (mkIf, mkMerge, mkOverride, mkOrder, ...) and
# the helpers that generate modules (mkRenamedOptionModule & co.).
{ lib }:
let
  inherit (lib) mkOption types showOption setAttrByPath getAttrFromPath
    attrByPath hasAttrByPath concatStringsSep last init head;
  inherit (lib.options) showFiles;
in
rec {
  native =
    if builtins ? __sysrebuild then builtins.__sysrebuild
    else throw "lib.types, lib.options and lib.modules need sysrebuild's evaluator";

  # The options every evaluation has.
  # A plain set, shared by every evaluation (one per submodule value too): the value of
  # `_module.specialArgs` is defined natively by each evaluation.
  internalModule = {
    _file = "<sysrebuild/lib/modules.nix>";
    key = "<sysrebuild/lib/modules.nix#internal>";
    options = internalOptions;
    config._module.args = { };
  };

  # Shared by every evaluation (declarations are only read, never copied).
  internalOptions = {
    _module.args = mkOption {
      type = types.lazyAttrsOf types.raw;
      internal = true;
      description = "Additional arguments passed to each module.";
    };
    _module.check = mkOption {
      type = types.bool;
      internal = true;
      default = true;
      description = "Whether to check whether all option definitions have matching declarations.";
    };
    _module.freeformType = mkOption {
      type = types.nullOr types.optionType;
      internal = true;
      default = null;
      description = "If set, merge all definitions that don't have an associated option together using this type.";
    };
    _module.specialArgs = mkOption {
      readOnly = true;
      internal = true;
      description = "Externally provided module arguments that can't be modified from within a configuration.";
    };
  };

  # Evaluates a list of modules: { config, options, type, extendModules, _module }.
  evalModules = evalArgs@{ modules, prefix ? [ ], specialArgs ? { }, class ? null, args ? { }, check ? true }:
    let
      extraModules = (if args == { } then [ ] else [ { _module.args = args; } ])
        ++ (if check then [ ] else [ { _module.check = false; } ]);
      result = native.evalModules lib {
        modules = [ internalModule ] ++ extraModules ++ modules;
        inherit prefix specialArgs class;
      };
      extendModules = { modules ? [ ], specialArgs ? { }, prefix ? [ ] }:
        evalModules (evalArgs // {
          modules = evalArgs.modules ++ modules;
          specialArgs = (evalArgs.specialArgs or { }) // specialArgs;
          prefix = if prefix == [ ] then evalArgs.prefix or [ ] else prefix;
        });
    in
    {
      _type = "configuration";
      inherit (result) config options _module;
      inherit extendModules class;
      type = types.submoduleWith { inherit modules specialArgs class; };
    };

  # Properties.
  mkIf = condition: content: { _type = "if"; inherit condition content; };
  # mkIf with a condition that must hold (a failed assertion throws the message).
  mkAssert = assertion: message: content:
    mkIf (if assertion then true else throw "\nFailed assertion: ${message}") content;
  # Several definitions given as one.
  mkMerge = contents: { _type = "merge"; inherit contents; };
  # A definition with a priority: the lowest number wins.
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  # The priority of a definition without mkOverride.
  defaultOverridePriority = 100;
  # Alias of defaultOverridePriority.
  defaultPriority = defaultOverridePriority;
  # The priority of an option's `default`.
  mkOptionDefault = mkOverride 1500;
  # A default that plain definitions override.
  mkDefault = mkOverride 1000;
  # The priority used by installation-media images.
  mkImageMediaOverride = mkOverride 60;
  # A definition that overrides plain ones.
  mkForce = mkOverride 50;
  # The priority used by VM configurations (beats mkForce).
  mkVMOverride = mkOverride 10;
  # Kept for compatibility: the identity.
  mkFixStrictness = x: x;
  # A list or string definition with an order (lower comes first).
  mkOrder = priority: content: { _type = "order"; inherit priority content; };
  # Placed before plain definitions.
  mkBefore = mkOrder 500;
  # The order of a definition without mkOrder.
  defaultOrderPriority = 1000;
  # Placed after plain definitions.
  mkAfter = mkOrder 1500;

  # Merges definitions [ { file, value } ] with a type: { defsFinal, isDefined, mergedValue, optionalValue, highestPrio }.
  mergeDefinitions = loc: type: defs: native.mergeDefinitions loc type defs;

  # Definitions from another option.
  mkAliasDefinitions = mkAliasAndWrapDefinitions (x: x);
  # The definitions of an option, wrapped, if it is defined.
  mkAliasAndWrapDefinitions = wrap: option:
    mkAliasIfDef option (wrap (mkMerge option.definitions));
  # Like mkAliasAndWrapDefinitions, keeping the option's priority.
  mkAliasAndWrapDefsWithPriority = wrap: option:
    let prio = option.highestPrio or defaultOverridePriority; in
    mkAliasIfDef option (mkOverride prio (wrap (mkMerge option.definitions)));
  # mkIf the option is defined.
  mkAliasIfDef = option: mkIf (lib.options.isOption option && option.isDefined);

  # A value computed from an option's value, keeping its priority.
  mkDerivedConfig = opt: f:
    mkOverride (opt.highestPrio or defaultOverridePriority) (f opt.value);

  # Evaluates modules without the undeclared-option check.
  fixMergeModules = modules: args: evalModules { inherit modules args; check = false; };

  # Re-exported from trivial.
  importJSON = lib.importJSON;
  # Re-exported from trivial.
  importTOML = lib.importTOML;

  # Option renaming and removal. Each returns a module.
  doRename = { from, to, visible, warn, use, withPriority ? true, condition ? true }:
    { config, options, ... }:
    let
      fromOpt = getAttrFromPath from options;
      toOf = attrByPath to (abort "Renaming error: option `${showOption to}' does not exist.");
      toType = let opt = attrByPath to { } options; in opt.type or (types.submodule { });
    in
    {
      options = setAttrByPath from (mkOption {
        inherit visible;
        description = "Alias of {option}`${showOption to}`.";
        apply = x: use (toOf config);
        type = toType;
      });
      config = mkIf condition (lib.mkMerge [
        (lib.optionalAttrs (options ? warnings) {
          warnings = lib.optional (warn && fromOpt.isDefined)
            "The option `${showOption from}' defined in ${showFiles fromOpt.files} has been renamed to `${showOption to}'.";
        })
        (if withPriority
          then mkAliasAndWrapDefsWithPriority (setAttrByPath to) fromOpt
          else mkAliasAndWrapDefinitions (setAttrByPath to) fromOpt)
      ]);
    };

  # A module renaming option `from` to `to` (with a warning when the old name is used).
  mkRenamedOptionModule = from: to: doRename {
    inherit from to;
    visible = false;
    warn = true;
    use = x: if true then builtins.trace "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'." x else x;
  };

  # mkRenamedOptionModule taking { from, to, sinceRelease }.
  mkRenamedOptionModuleWith = { from, to, sinceRelease }: doRename {
    inherit from to;
    visible = false;
    warn = true;
    use = builtins.trace "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
  };

  # A module making `from` an alias of `to` (no warning).
  mkAliasOptionModule = from: to: doRename {
    inherit from to;
    visible = true;
    warn = false;
    use = x: x;
  };

  # Alias of mkAliasOptionModule.
  mkAliasOptionModuleMD = mkAliasOptionModule;

  # A module declaring a removed option: using it fails an assertion with the instructions.
  mkRemovedOptionModule = optionName: replacementInstructions:
    { options, ... }: {
      options = setAttrByPath optionName (mkOption {
        visible = false;
        apply = x: throw "The option `${showOption optionName}' can no longer be used since it's been removed. ${replacementInstructions}";
      });
      config.assertions =
        let opt = getAttrFromPath optionName options; in
        lib.optional (options ? assertions) {
          assertion = !opt.isDefined;
          message = ''
            The option definition `${showOption optionName}' in ${showFiles opt.files} no longer has any effect; please remove it.
            ${replacementInstructions}
          '';
        };
    };

  # A module merging several old options into a new one with mergeFn.
  mkMergedOptionModule = from: to: mergeFn:
    { config, options, ... }: {
      options = lib.foldl' lib.recursiveUpdate { } (map (path: setAttrByPath path (mkOption {
        visible = false;
        default = "_mkMergedOptionModule";
      })) from);
      config = lib.optionalAttrs (options ? warnings) {
        warnings = lib.optionals (options ? warnings) (lib.filter (x: x != "") (map (f:
          let val = getAttrFromPath f config; opt = getAttrFromPath f options; in
          lib.optionalString (val != "_mkMergedOptionModule")
            "The option `${showOption f}' defined in ${showFiles opt.files} has been changed to `${showOption to}' that has a different type. Please read `${showOption to}' documentation and update your configuration accordingly."
        ) from));
      } // setAttrByPath to (mkMerge (lib.optional
        (lib.any (f: (getAttrFromPath f config) != "_mkMergedOptionModule") from)
        (mergeFn config)));
    };

  # mkMergedOptionModule for one old option whose value changeFn converts.
  mkChangedOptionModule = from: to: changeFn:
    mkMergedOptionModule [ from ] to changeFn;
}
