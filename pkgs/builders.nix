# Everything of the package set that is not a Debian package: the bootstrap tools, the
# trivial builders, buildEnv, and sysrebuild itself. `pkgs` is the final package set
# (the result is merged into it); on its own: `let pkgs = import ./builders.nix { inherit pkgs; }; in pkgs`.
{ pkgs }:
import ./bootstrap.nix { inherit pkgs; }
// import ./trivial-builders.nix { inherit pkgs; }
// {
  # sysrebuild's binary and its Nix files (lib/, modules/, pkgs/) as a store path; see
  # builtin:sysrebuild-self. The path changes with the binary's sources (`sourceId`) and
  # with the Nix files (a filtered copy of sysrebuild's root), never only with neither.
  sysrebuild =
    let
      root = toString ../.;
      shared = [ "lib" "modules" "pkgs" "activation" "boot" "corepkgs" ];
      topLevelName = path:
        builtins.head (builtins.split "/"
          (builtins.substring (builtins.stringLength root + 1) (builtins.stringLength path) path));
    in
    derivation {
      name = "sysrebuild";
      system = "builtin";
      builder = "builtin:sysrebuild-self";
      sourceId = builtins.__sysrebuild.sourceId;
      nixFiles = builtins.path {
        name = "sysrebuild-nix-files";
        path = ../.;
        filter = path: type: builtins.elem (topLevelName path) shared;
      };
      preferLocalBuild = true;
      allowSubstitutes = false;
    };
}
