# The package set: `import <sysrebuild/pkgs> { lock = ./sysrebuild.lock; }`.
#
# Every package of the Debian indices pinned in the lock file is an attribute (`pkgs.hello`,
# `pkgs."g++"`), made lazily: evaluating `pkgs.hello` resolves hello's dependencies and
# nothing else. The indices are read from the store paths the lock names (`sysrebuild pkgs
# update` puts them there). Overlays (`final: prev: { … }`) and `pkgs.extend` work as in
# nixpkgs; packages have `.overrideAttrs`.
{
  # The lock file (a path or a string). Default: $SYSREBUILD_LOCK, else
  # ./sysrebuild.lock in the current directory.
  lock ? null,
  # Functions `final: prev: { … }`, applied in order.
  overlays ? [ ],
  # The Nix system; selects the lock's sources of the matching Debian architecture.
  system ? builtins.currentSystem,
  # Mirrors for fetching .debs; default: those the lock records.
  mirrors ? null,
}:
let
  lockFile =
    if lock != null then
      lock
    else if builtins.getEnv "SYSREBUILD_LOCK" != "" then
      builtins.getEnv "SYSREBUILD_LOCK"
    else
      builtins.getEnv "PWD" + "/sysrebuild.lock";
  locked = builtins.fromTOML (builtins.readFile lockFile);

  debianArch =
    {
      x86_64-linux = "amd64";
      aarch64-linux = "arm64";
      i686-linux = "i386";
      armv7l-linux = "armhf";
      riscv64-linux = "riscv64";
    }
    .${system} or (throw "pkgs: no Debian architecture for system '${system}'");

  sources = builtins.filter (s: s.architecture == debianArch) (locked.source or [ ]);
  paths =
    if sources == [ ] then
      throw "pkgs: ${toString lockFile} has no source for architecture ${debianArch}; add a [[source]] table and run `sysrebuild pkgs update`"
    else
      map (
        s:
        s.path
          or (throw "pkgs: source ${s.suite}/${s.component or "main"}/${s.architecture} of ${toString lockFile} is not locked yet; run `sysrebuild pkgs update`")
      ) sources;

  mirrorList =
    if mirrors != null then
      mirrors
    else
      builtins.filter (m: m != "") (map (s: s.mirror or "") sources);

  native = builtins.__sysrebuild;
  deb = import ./deb.nix {
    resolve = native.debianResolve paths;
    mirrors = mirrorList;
  };

  # Every Debian package, as a lazily made derivation.
  debianPackages = final: native.debianPackages paths (deb.package final);

  aliasTargets = import ./aliases.nix { arch = debianArch; };

  # Trivial builders, buildEnv, the bootstrap tools and `pkgs.sysrebuild` (builders.nix).
  builders = final: import ./builders.nix { pkgs = final; };

  base =
    final:
    let
      debian = debianPackages final;
      aliases = builtins.listToAttrs (
        builtins.concatMap (
          n:
          let
            target = aliasTargets.${n};
          in
          if debian ? ${target} then
            [
              {
                name = n;
                value = final.${target};
              }
            ]
          else
            [ ]
        ) (builtins.attrNames aliasTargets)
      );
    in
    aliases
    // debian
    // builders final
    // {
      inherit system lockFile;
      debianArchitecture = debianArch;
      inherit (deb) sanitise;
      fetchDeb = deb.fetch;
    };

  makeSet =
    overlayList:
    let
      composed = builtins.foldl' (
        acc: overlay: final:
        let
          prev = acc final;
        in
        prev // overlay final prev
      ) base overlayList;
      self = composed self;
    in
    # `pkgs.extend overlay`: the set with `overlay` applied after the others.
    self // { extend = overlay: makeSet (overlayList ++ [ overlay ]); };
in
makeSet overlays
