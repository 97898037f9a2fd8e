# Everything of the package set that is not a Debian package: the bootstrap tools, the
# trivial builders, buildEnv, and sysrebuild itself. `pkgs` is the final package set
# (the result is merged into it); on its own: `let pkgs = import ./builders.nix { inherit pkgs; }; in pkgs`.
{ pkgs }:
import ./bootstrap.nix { inherit pkgs; }
// import ./trivial-builders.nix { inherit pkgs; }
// {
  # sysrebuild's binary and its Nix files (lib/, modules/, pkgs/) as a store path; see
  # builtin:sysrebuild-self.
  sysrebuild = derivation {
    name = "sysrebuild";
    system = "builtin";
    builder = "builtin:sysrebuild-self";
    preferLocalBuild = true;
    allowSubstitutes = false;
  };
}
