# Stage 1: the initrd. A static busybox, the kernel modules stage 1 loads (with their
# dependencies from the kernel's modules.dep) and `init` (stage-1-init.sh), packed as a
# gzip-compressed cpio archive (`system.build.initialRamdisk`).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.boot.initrd;
  kernel = config.system.modulesTree;
  q = lib.escapeShellArg;

  # Boot needs these: the root, the store and what holds it, and those marked.
  bootFileSystems = lib.sort (a: b: a.mountPoint < b.mountPoint)
    (lib.filter (fs: fs.neededForBoot || lib.elem fs.mountPoint [ "/" "/nix" "/nix/store" ])
      (lib.attrValues config.fileSystems));

  mountCommands = lib.concatMapStrings (fs: ''
    mountFs ${q fs.device} ${q fs.mountPoint} ${q fs.fsType} ${q (lib.concatStringsSep "," fs.options)} ${if fs.autoFormat then "1" else "0"}
  '') bootFileSystems;

  init = pkgs.writeText "stage-1-init" (lib.replaceStrings
    [ "@kernelModules@" "@availableKernelModules@" "@mountCommands@" ]
    [ (lib.concatStringsSep " " cfg.kernelModules)
      (lib.concatStringsSep " " cfg.availableKernelModules)
      mountCommands ]
    (builtins.readFile ./stage-1-init.sh));
in
{
  options.boot.initrd = {
    enable = mkOption {
      type = types.bool;
      default = true;
      description = "Whether the system boots through sysrebuild's initrd.";
    };
    extraFiles = mkOption {
      type = types.attrsOf types.path;
      default = { };
      description = "Further files in the initrd, by path.";
    };
  };

  options.fileSystems = mkOption {
    type = types.attrsOf (types.submodule {
      options.autoFormat = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether stage 1 formats the device when it holds no file system yet (a fresh
          virtual machine disk).
        '';
      };
    });
  };

  config = {
    assertions = [{
      assertion = config.fileSystems ? "/";
      message = "fileSystems.\"/\" is not set: the system needs a root file system.";
    }];

    system.build.initialRamdisk = pkgs.runCommand "initrd" {
      preferLocalBuild = true;
      inherit kernel init;
      tools = pkgs.bootstrapTools;
      modules = cfg.kernelModules ++ cfg.availableKernelModules;
      extraFiles = lib.concatStringsSep " "
        (lib.mapAttrsToList (path: src: "${path}=${src}") cfg.extraFiles);
    } ''
      set -e
      root="$PWD/root"
      mkdir -p "$root/bin" "$root/lib/modules"
      cp "$tools/bin/busybox" "$root/bin/busybox"
      for applet in $("$root/bin/busybox" --list); do
        [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
      done
      # The kernel asks /sbin/modprobe for modules it needs on the fly.
      mkdir -p "$root/sbin"
      ln -s ../bin/modprobe "$root/sbin/modprobe"
      cp "$init" "$root/init"
      chmod 0755 "$root/init"

      # The kernel's modules: Debian's packages keep them in lib/modules/VERSION.
      moddir=""
      for d in "$kernel"/lib/modules/* "$kernel"/usr/lib/modules/*; do
        [ -f "$d/modules.dep" ] && moddir="$d"
      done
      if [ -z "$moddir" ]; then
        echo "no lib/modules/VERSION/modules.dep in $kernel" >&2
        exit 1
      fi
      version="$(basename "$moddir")"
      target="$root/lib/modules/$version"
      mkdir -p "$target"

      # Closure of the requested modules through modules.dep (names match with - or _).
      : > wanted
      for m in $modules; do
        file="$(awk -F: -v m="$m" '
          { n = $1; sub(/.*\//, "", n); sub(/\.ko(\.(xz|gz|zst))?$/, "", n); gsub(/-/, "_", n)
            w = m; gsub(/-/, "_", w)
            if (n == w) { print $1; exit } }' "$moddir/modules.dep")"
        if [ -z "$file" ]; then
          if grep -q -E "/($m|$(echo "$m" | tr - _))\.ko" "$moddir/modules.builtin" 2>/dev/null; then
            continue
          fi
          echo "warning: kernel module $m is not in $version" >&2
          continue
        fi
        echo "$file" >> wanted
        awk -F: -v f="$file" '$1 == f { n = split($2, d, " "); for (i = 1; i <= n; i++) print d[i] }' \
          "$moddir/modules.dep" >> wanted
      done
      sort -u wanted > closure
      while read -r f; do
        [ -n "$f" ] || continue
        mkdir -p "$target/$(dirname "$f")"
        cp "$moddir/$f" "$target/$f"
      done < closure
      for f in modules.builtin modules.builtin.modinfo modules.order; do
        [ -f "$moddir/$f" ] && cp "$moddir/$f" "$target/$f"
      done
      # busybox's depmod and modprobe, in the initrd: text indices only.
      depmod -b "$root" "$version"

      for pair in $extraFiles; do
        path="''${pair%%=*}"; src="''${pair#*=}"
        mkdir -p "$root/$(dirname "$path")"
        cp -r "$src" "$root/$path"
      done

      # Same bytes for the same inputs: fixed times and owners.
      find "$root" -exec touch -h -d "1970-01-01 00:00:01" {} + 2>/dev/null \
        || find "$root" -exec touch -d "1970-01-01 00:00:01" {} +
      mkdir -p "$out"
      (cd "$root" && find . | sort | cpio -o -H newc -R 0:0 2>/dev/null) | gzip -9 -n > "$out/initrd"
    '';
  };
}
