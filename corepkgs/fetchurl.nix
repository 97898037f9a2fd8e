# <nix/fetchurl.nix>: a fixed-output derivation built by `builtin:fetchurl` inside the
# builder (no sandbox, no shell). The attributes are the ones Nix 2.8 gives this
# derivation, so the same call has the same .drv and output path under Nix and
# sysrebuild.
#
#   import <nix/fetchurl.nix> { url = "https://…/x.tar.gz"; sha256 = "…"; }
#
# `hash` takes an SRI hash; `md5`, `sha1`, `sha256`, `sha512` a hash of that type.
# `unpack = true` stores the tarball's single top-level directory, `executable = true`
# a file with the executable bit; both make the hash a NAR hash (recursive mode).
{
  url,
  system ? "", # accepted for old callers; the derivation's system is always "builtin"
  name ? baseNameOf (toString url),
  hash ? "",
  md5 ? "",
  sha1 ? "",
  sha256 ? "",
  sha512 ? "",
  executable ? false,
  unpack ? false,
  # The first non-empty one of hash, sha512, sha1, md5, sha256, with its algorithm
  # (none for SRI, which carries it).
  outputHash ?
    if hash != "" then hash
    else if sha512 != "" then sha512
    else if sha1 != "" then sha1
    else if md5 != "" then md5
    else sha256,
  outputHashAlgo ?
    if hash != "" then ""
    else if sha512 != "" then "sha512"
    else if sha1 != "" then "sha1"
    else if md5 != "" then "md5"
    else "sha256",
}:

derivation {
  inherit name url executable unpack outputHash outputHashAlgo;
  builder = "builtin:fetchurl";
  system = "builtin";
  outputHashMode = if unpack || executable then "recursive" else "flat";
  # The list `nix-prefetch-url` and mirrors look at.
  urls = [ url ];
  # Fetching locally is cheaper than copying the result from a remote builder.
  preferLocalBuild = true;
  # Proxy settings come from the caller's environment (fixed outputs may be impure).
  impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
}
