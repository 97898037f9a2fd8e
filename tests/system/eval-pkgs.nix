# An evaluation-only package set for module tests: each builder makes a real derivation
# (never built here), so store paths in the generated files are real.
let
  mk = name: attrs: derivation ({ inherit name; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; } // attrs);
in {
  writeText = name: text: mk name { inherit text; };
  writeShellScript = name: text: mk name { inherit text; };
  writeTextFile = { name, text, ... }: mk name { inherit text; };
  runCommand = name: env: script: mk name (env // { inherit script; });
  buildEnv = { name, paths, ... }: mk name { inherit paths; };
  linkFarm = name: entries: mk name { entries = builtins.toJSON entries; };
  systemd = mk "systemd" { };
  tzdata = mk "tzdata" { };
  bash = mk "bash" { } // { shellPath = "/usr/bin/bash"; };
  hello = mk "hello" { };
  bootstrapTools = mk "bootstrap-tools" { };
  sysrebuild = mk "sysrebuild" { };
  openssh-server = mk "openssh-server" { };
  nginx = mk "nginx" { };
  nginx-common = mk "nginx-common" { };
  nftables = mk "nftables" { };
  sudo = mk "sudo" { };
  linux-image-amd64 = mk "linux-image-amd64" { };
}
# The packages every system has (modules/system/base.nix).
// builtins.listToAttrs (map (name: { inherit name; value = mk name { }; }) [
  "base-files" "coreutils" "dash" "diffutils" "findutils" "grep" "gzip" "sed" "tar" "gawk"
  "less" "util-linux" "mount" "login" "passwd" "procps" "kmod" "iproute2" "hostname"
  "ncurses-bin" "libc-bin" "systemd-sysv" "udev" "dbus" "libpam-runtime" "libpam-modules"
  "libpam-systemd" "libnss-systemd"
])
