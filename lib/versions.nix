# Version string helpers.
{ lib }:

let
  inherit (builtins) elemAt;
in
rec {
  # Split a version into its components (at ".", "-" and digit/letter boundaries).
  # splitVersion :: String -> [String]
  # Example: splitVersion "1.2.3" => [ "1" "2" "3" ]
  splitVersion = builtins.splitVersion;

  # The first component of a version.
  # major :: String -> String
  # Example: major "1.2.3" => "1"
  major = v: elemAt (splitVersion v) 0;

  # The second component of a version.
  # minor :: String -> String
  # Example: minor "1.2.3" => "2"
  minor = v: elemAt (splitVersion v) 1;

  # The third component of a version.
  # patch :: String -> String
  # Example: patch "1.2.3" => "3"
  patch = v: elemAt (splitVersion v) 2;

  # The first two components joined by ".".
  # majorMinor :: String -> String
  # Example: majorMinor "1.2.3" => "1.2"
  majorMinor = v: builtins.concatStringsSep "." (lib.take 2 (splitVersion v));

  # Pad (with ".0") or truncate the numeric part of a version to n
  # components, keeping a "-suffix".
  # pad :: Int -> String -> String
  # Example: pad 3 "1.2-rc1" => "1.2.0-rc1"
  pad = n: version:
    let
      numeric = builtins.head (lib.splitString "-" version);
      suffix = lib.removePrefix numeric version;
      parts = splitVersion numeric ++ lib.replicate n "0";
    in
    builtins.concatStringsSep "." (lib.take n parts) + suffix;
}
