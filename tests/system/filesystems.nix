{ ... }: {
  fileSystems."/" = { label = "root"; fsType = "ext4"; };
  fileSystems."/boot" = { device = "/dev/vda1"; fsType = "vfat"; options = [ "umask=0077" ]; };
  fileSystems."/srv/my data" = { device = "server:/data"; fsType = "nfs"; };
  swapDevices = [ { device = "/swapfile"; priority = 5; } ];
  environment.etc."ssh/banner" = { text = "hello\n"; mode = "0640"; };
  environment.variables.EDITOR = "vi";
  environment.shellAliases.ll = "ls -l";
  i18n.extraLocaleSettings.LC_TIME = "en_GB.UTF-8";
}
