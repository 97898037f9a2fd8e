# The bootstrap tools: busybox-static from the Debian archive, unpacked into the store
# like any package, and a tree of its applets (bin/sh, bin/cp, …) that trivial builders
# run with. Nothing of the host's /bin is used.
#
# `pkgs.busybox-static` (the package set's, pinned by sysrebuild.lock) is used when the
# set has it; otherwise the pin below (bookworm's busybox-static, amd64).
{ pkgs ? { } }:
let
  pinned = rec {
    fetch = derivation {
      name = "busybox-static_1_1.35.0-4+deb12u1+b1_amd64.deb";
      system = "builtin";
      builder = "builtin:fetch-deb";
      outputHashMode = "flat";
      outputHashAlgo = "sha256";
      outputHash = "3d3fdbe91d4660c873e14b092c213fe81c1da6362daa236eb25d0171eb108744";
      package = "busybox-static";
      version = "1:1.35.0-4+deb12u1+b1";
      architecture = "amd64";
      filename = "pool/main/b/busybox/busybox-static_1.35.0-4+deb12u1+b1_amd64.deb";
      mirrors = "";
      preferLocalBuild = true;
    };
    unpacked = derivation {
      name = "busybox-static-1_1.35.0-4+deb12u1+b1";
      system = "builtin";
      builder = "builtin:unpack-deb";
      src = fetch;
      srcs = [ fetch ];
      deps = [ ];
    };
  };
  busybox = pkgs.busybox-static or pinned.unpacked;
in
{
  # A directory of busybox's applets: bin/busybox (a copy, so that this path stands
  # alone) and bin/<applet> -> busybox for every applet it has.
  bootstrapTools = derivation {
    name = "bootstrap-tools";
    system = builtins.currentSystem;
    builder = "${busybox}/bin/busybox";
    args = [
      "sh"
      "-c"
      ''
        set -e
        bb=${busybox}/bin/busybox
        $bb mkdir -p $out/bin
        $bb cp $bb $out/bin/busybox
        $bb chmod 0555 $out/bin/busybox
        for applet in $($bb --list); do
          [ "$applet" = busybox ] || $bb ln -s busybox "$out/bin/$applet"
        done
      ''
    ];
  };
}
