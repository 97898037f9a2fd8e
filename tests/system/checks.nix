# A configuration with two failed assertions and a warning (for `dry-build`).
{ ... }: {
  nixpkgs.pkgs = import ./eval-pkgs.nix;
  fileSystems."/" = { device = "/dev/vda"; fsType = "ext4"; };
  assertions = [
    { assertion = false; message = "first problem"; }
    { assertion = false; message = "second problem"; }
  ];
  warnings = [ "this is only a warning" ];
}
