# sysrebuild's Nix library: the `lib` that NixOS-style configurations and
# modules use (`import <sysrebuild/lib>`). Each file below is one namespace
# (`lib.strings`, `lib.lists`, ...); the most used functions are also
# available at the top level (`lib.mapAttrs`, `lib.optionalString`, ...).
#
# The whole library is one fixed point, so every file receives the final
# `lib` and can use functions from the other files. The result is
# extensible: `lib.extend (final: prev: { ... })` returns a new library.
let
  fixedPoints = import ./fixed-points.nix { inherit lib; };

  lib = fixedPoints.makeExtensible (self:
    let
      callLibs = file: import file { lib = self; };
    in
    {
      trivial = callLibs ./trivial.nix;
      fixedPoints = callLibs ./fixed-points.nix;
      attrsets = callLibs ./attrsets.nix;
      lists = callLibs ./lists.nix;
      strings = callLibs ./strings.nix;
      generators = callLibs ./generators.nix;
      versions = callLibs ./versions.nix;
      asserts = callLibs ./asserts.nix;
      debug = callLibs ./debug.nix;

      # The module system: evalModules and the option types are native
      # (builtins.__sysrebuild); these files only wrap them. They load under
      # any Nix, but using them needs sysrebuild's evaluator.
      options = callLibs ./options.nix;
      modules = callLibs ./modules.nix;
      types = import ./types.nix { lib = self; };

      inherit (self.options)
        mkOption isOption mkEnableOption mkPackageOption mkPackageOptionMD
        mkSinkUndeclaredOptions literalExpression literalExample literalMD mdDoc
        mergeEqualOption mergeDefaultOption mergeOneOption mergeUniqueOption
        getValues getFiles showOption showFiles showDefs unknownModule
        optionAttrSetToDocList scrubOptionValue;
      inherit (self.modules)
        evalModules mkIf mkAssert mkMerge mkOverride mkOptionDefault mkDefault
        mkImageMediaOverride mkForce mkVMOverride mkFixStrictness mkOrder
        mkBefore mkAfter defaultOverridePriority defaultPriority
        defaultOrderPriority mkAliasDefinitions mkAliasAndWrapDefinitions
        mkAliasAndWrapDefsWithPriority mkAliasIfDef mkDerivedConfig
        mkRenamedOptionModule mkRenamedOptionModuleWith mkAliasOptionModule
        mkAliasOptionModuleMD mkRemovedOptionModule mkMergedOptionModule
        mkChangedOptionModule doRename fixMergeModules mergeDefinitions;
      inherit (self.types) mkOptionType isType isOptionType;

      # Builtins commonly used through lib.
      inherit (builtins)
        isAttrs isBool isFloat isInt isList isPath isString typeOf
        pathExists readFile getAttr hasAttr genericClosure tryEval
        addErrorContext unsafeDiscardStringContext storeDir;

      # Top-level re-exports.
      inherit (self.trivial)
        id const pipe concat "or" and xor bitAnd bitOr bitXor bitNot boolToString
        mergeAttrs flip defaultTo mapNullable inNixShell min max mod compare
        splitByAndCompare lessThan add sub mul div inc dec seq deepSeq
        functionArgs setFunctionArgs isFunction mirrorFunctionArgs toFunction
        toHexString toBaseDigits importJSON importTOML warn warnIf warnIfNot
        throwIf throwIfNot info showWarnings version release codeName
        versionSuffix isInOldestRelease;
      inherit (self.fixedPoints)
        fix fix' converge extends composeExtensions composeManyExtensions
        toExtension makeExtensible makeExtensibleWithCustomName;
      inherit (self.attrsets)
        attrByPath hasAttrByPath setAttrByPath getAttrFromPath attrVals
        attrNames attrValues getAttrs catAttrs genAttrs optionalAttrs
        filterAttrs filterAttrsRecursive foldlAttrs foldAttrs nameValuePair
        listToAttrs mapAttrs mapAttrs' mapAttrsToList mapAttrsFlatten attrsToList
        mapAttrsRecursive mapAttrsRecursiveCond concatMapAttrs mergeAttrsList
        recursiveUpdate recursiveUpdateUntil zipAttrsWith zipAttrsWithNames
        zipAttrs collect isDerivation toDerivation matchAttrs overrideExisting
        unionOfDisjoint recurseIntoAttrs dontRecurseIntoAttrs getOutput
        getBin getLib getDev getMan cartesianProduct cartesianProductOfSets
        updateManyAttrsByPath intersectAttrs removeAttrs;
      inherit (self.lists)
        singleton forEach foldr fold foldl foldl' imap0 imap1 ifilter0
        concatMap flatten remove findSingle findFirst findFirstIndex any all
        count optional optionals toList range replicate partition groupBy
        groupBy' zipListsWith zipLists reverseList listDfs toposort sort
        sortOn naturalSort compareLists take drop sublist last init unique
        allUnique subtractLists intersectLists mutuallyExclusive crossLists
        head tail length elemAt filter elem genList concatLists;
      inherit (self.strings)
        concatStrings concatMapStrings concatImapStrings concatStringsSep
        concatMapStringsSep concatImapStringsSep concatLines intersperse
        optionalString hasPrefix hasSuffix hasInfix removePrefix removeSuffix
        splitString escape escapeRegex escapeShellArg escapeShellArgs
        isValidPosixName toShellVar toShellVars escapeNixString
        escapeNixIdentifier escapeXML lowerChars upperChars toUpper toLower
        stringToCharacters stringAsChars makeSearchPath makeSearchPathOutput
        makeBinPath makeLibraryPath makeIncludePath fixedWidthString
        fixedWidthNumber toInt toIntBase10 trim trimWith isStringLike
        isStorePath versionOlder versionAtLeast getName getVersion
        nameFromURL enableFeature enableFeatureAs withFeature withFeatureAs
        mesonOption mesonBool mesonEnable cmakeOptionType cmakeBool
        cmakeFeature addContextFrom fileContents sanitizeDerivationName
        normalizePath commonPrefixLength commonSuffixLength floatToString
        stringLength substring replaceStrings match split toString;
      inherit (self.asserts) assertMsg assertOneOf assertEachOneOf;
      inherit (self.debug)
        traceIf traceVal traceValFn traceSeq traceSeqN traceValSeq
        traceValSeqFn traceValSeqN traceValSeqNFn runTests testAllTrue;
    });
in
lib
