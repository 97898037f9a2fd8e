# <nix/fetchurl.nix> as Nix ships it: every way of giving the hash, unpack, executable
let
  fetchurl = import <nix/fetchurl.nix>;
  url = "http://example.org/dist/pkg-1.0.tar.gz";
in
{
  sha256 = fetchurl { inherit url; sha256 = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"; };
  sri = fetchurl { inherit url; hash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; };
  sha1 = fetchurl { inherit url; sha1 = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"; name = "renamed"; };
  sha512 = fetchurl { inherit url; sha512 = "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"; };
  md5 = fetchurl { inherit url; md5 = "5d41402abc4b2a76b9719d911017c592"; };
  unpacked = fetchurl { inherit url; unpack = true; sha256 = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"; };
  executable = fetchurl { url = "file:///srv/tool"; executable = true; hash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; };
  obsoleteSystem = fetchurl { inherit url; system = "x86_64-linux"; sha256 = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"; };
}
