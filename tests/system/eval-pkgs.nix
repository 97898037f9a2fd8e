# An evaluation-only package set for module tests: each builder makes a real derivation
# (never built here), so store paths in the generated files are real.
let
  mk = name: attrs: derivation ({ inherit name; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; } // attrs);
in {
  writeText = name: text: mk name { inherit text; };
  writeShellScript = name: text: mk name { inherit text; };
  runCommand = name: env: script: mk name (env // { inherit script; });
  buildEnv = { name, paths, ... }: mk name { inherit paths; };
  systemd = mk "systemd" { };
  tzdata = mk "tzdata" { };
  bash = mk "bash" { } // { shellPath = "/usr/bin/bash"; };
  hello = mk "hello" { };
  openssh-server = mk "openssh-server" { };
  nginx = mk "nginx" { };
  nftables = mk "nftables" { };
  sudo = mk "sudo" { };
  linux-image-amd64 = mk "linux-image-amd64" { };
}
