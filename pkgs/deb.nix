# Derivations for one Debian package (see ARCHITECTURE.md, "pkgs/").
#
# Two derivations per package: the fetch (a fixed-output derivation checked against the
# index's SHA256; the builtin builder `fetch-deb` gets it from a local directory, apt or a
# mirror) and the unpack (`unpack-deb`: the data.tar of the .deb, the control file, and
# `nix-support/propagated-deps` naming the dependencies so they are in the closure).
#
# Packages whose dependencies form a cycle (libc6 <-> libgcc-s1) are unpacked together:
# the resolver cuts the dependency graph into strongly connected components ("units"),
# and a unit is one unpack derivation whose `srcs` are all its members' fetches, named
# after its first member (by name). Every member's `pkgs.<name>` is that derivation, with
# its own `pname`, `version`, `deb`, `depends` and `meta`.
{
  # `builtins.__sysrebuild.debianResolve paths`: key -> resolved index entry.
  resolve,
  # Mirror URLs the fetcher may try, in order.
  mirrors,
}:
let
  # Store names allow [A-Za-z0-9+-._?=]; Debian versions also use `:` (epoch) and `~`.
  sanitise = builtins.replaceStrings [ ":" "~" ] [ "_" "-" ];

  fetch =
    m:
    derivation {
      name = "${m.package}_${sanitise m.version}_${m.architecture}.deb";
      system = "builtin";
      builder = "builtin:fetch-deb";
      outputHashMode = "flat";
      outputHashAlgo = "sha256";
      outputHash = m.sha256;
      package = m.package;
      version = m.version;
      architecture = m.architecture;
      filename = m.filename;
      mirrors = builtins.concatStringsSep " " mirrors;
      preferLocalBuild = true;
    };

  # A derivation with extra attributes and `overrideAttrs` (nixpkgs style: `old: { … }`,
  # or `final: prev: { … }`, both given the derivation's attributes).
  mkDerivation =
    attrs: passthru:
    let
      drv = derivation attrs;
    in
    drv
    // passthru
    // {
      overrideAttrs =
        f:
        let
          changes = f attrs;
          new = if builtins.isFunction changes then changes attrs else changes;
        in
        mkDerivation (attrs // new) passthru;
    };

  # The package named by `key` (a name, or `name=version` for a version that is not the
  # index's newest), taking its dependencies from `final` so that overlays reach them.
  package =
    final: key:
    let
      info = resolve key;
      lookup = k: final.${k} or (package final k);
      unit = info.unit;
      first = builtins.head unit.members;
      srcs = map fetch unit.members;
    in
    mkDerivation
      {
        name = "${first.package}-${sanitise first.version}";
        system = "builtin";
        builder = "builtin:unpack-deb";
        src = builtins.head srcs;
        inherit srcs;
        deps = map lookup unit.deps;
      }
      {
        pname = info.package;
        version = info.version;
        deb = fetch info;
        depends = map lookup info.depends;
        # `meta.priority` is buildEnv's collision priority (an integer), as in nixpkgs;
        # Debian's Priority and Section are in `debian.priority` and `debian.section`.
        meta = {
          description = info.description;
        };
        debian = info;
      };
in
{
  inherit fetch package sanitise;
}
