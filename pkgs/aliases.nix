# nixpkgs names that differ from Debian's, for configurations ported from NixOS.
# `alias = "debian-name"`; an alias exists only when its target is in the index, and a
# real package of the same name always wins. (`openssh` is the server, which depends on
# the client, as nixpkgs' `openssh` contains both.)
{ arch }:
{
  apacheHttpd = "apache2";
  bind = "bind9";
  cacert = "ca-certificates";
  dnsutils = "bind9-dnsutils";
  docker = "docker.io";
  fd = "fd-find";
  glibc = "libc6";
  gnugrep = "grep";
  gnumake = "make";
  gnused = "sed";
  gnutar = "tar";
  go = "golang-go";
  iputils = "iputils-ping";
  linux = "linux-image-${arch}";
  man = "man-db";
  mariadb = "mariadb-server";
  nix = "nix-bin";
  openjdk = "default-jdk";
  openssh = "openssh-server";
  python = "python3";
  redis = "redis-server";
  shadow = "passwd";
  utillinux = "util-linux";
  xz = "xz-utils";
}
