# `system.build.toplevel`: the whole system as one store path, what a boot entry and
# `/run/current-system` point to:
#
#   kernel, initrd, kernel-params   what the boot loader loads
#   init                            stage 2 (`init=` on the kernel command line)
#   activate, dry-activate          make this generation the running one (or tell how)
#   etc/, sw/                       /etc (system.build.etc) and /usr (system.path)
#   systemd                         the systemd to execute as PID 1
#   boot.json                       bootspec v1 (`org.nixos.bootspec.v1`)
#   system, init-interface-version, configuration-name, sysrebuild-version
#   bin/switch-to-configuration     used by `sysrebuild switch` and boot loaders
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  kernel = config.system.modulesTree;
  tools = pkgs.bootstrapTools;

  failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
  # Warnings are printed by the commands (`modules/system.nix`'s `checks`).
  checked = if failedAssertions == [ ] then true
    else throw "Failed assertions:\n${lib.concatMapStrings (m: "- ${m}\n") failedAssertions}";

  stage2 = pkgs.writeText "stage-2-init" (lib.replaceStrings [ "@shell@" "@tools@" ]
    [ "${tools}/bin/sh" "${tools}" ] (builtins.readFile ../boot/stage-2-init.sh));

  activate = pkgs.writeText "activate" ''
    #!${tools}/bin/sh
    # Activates the generation @systemConfig@: /etc, /usr, users and groups,
    # privileged wrappers, then /run/current-system.
    # At the first boot /lib64 does not exist yet (activation makes it): sysrebuild is
    # started through the generation's own dynamic loader and libraries.
    systemConfig=@systemConfig@
    export PATH=${tools}/bin
    exec @loader@ --library-path @libraryPath@ ${pkgs.sysrebuild}/bin/sysrebuild activate --system "$systemConfig" "$@"
  '';

  label = "${config.system.name}-${config.system.sysrebuild.version}";

  # bootspec v1; @out@ and @kernel@ are filled in by the builder (they are only known
  # there: the toplevel's own path and the kernel file's versioned name).
  bootJson = pkgs.writeText "boot.json" (builtins.toJSON {
    "org.nixos.bootspec.v1" = {
      init = "@out@/init";
      initrd = "${config.system.build.initialRamdisk}/initrd";
      kernel = "@kernel@";
      kernelParams = config.boot.kernelParams;
      inherit label;
      system = config.nixpkgs.system;
      toplevel = "@out@";
    };
  });
  kernelParams = config.boot.kernelParams;
in
{
  options.system.activationScripts = mkOption {
    type = types.attrsOf (types.either types.str (types.submodule {
      options.text = mkOption { type = types.lines; description = "Shell commands."; };
      options.deps = mkOption { type = types.listOf types.str; default = [ ]; description = "Snippets that must run first."; };
    }));
    default = { };
    example = { makeDataDir = "mkdir -p /var/lib/data"; };
    description = ''
      Shell snippets run at the end of activation (at boot and on switch), in an order
      that respects their `deps`. They must be idempotent.
    '';
  };

  config = {
    environment.systemPackages = [ pkgs.sysrebuild config.systemd.package ];

    system.build.activationSnippets = pkgs.writeText "activation-snippets" (
      let
        snippets = lib.mapAttrs (name: s: if builtins.isString s then { text = s; deps = [ ]; } else s)
          config.system.activationScripts;
        ordered = lib.toposort (a: b: lib.elem a.name b.value.deps)
          (lib.mapAttrsToList lib.nameValuePair snippets);
        list = if ordered ? result then ordered.result
          else throw "system.activationScripts: the dependencies form a cycle: ${toString (map (x: x.name) ordered.cycle)}";
      in
      lib.concatMapStrings (s: "# ${s.name}\n${s.value.text}\n") list);

    system.build.toplevel = assert checked; pkgs.runCommand "sysrebuild-system-${label}" {
      preferLocalBuild = true;
      inherit kernel stage2 activate bootJson;
      shell = "${tools}/bin/sh";
      initrd = config.system.build.initialRamdisk;
      etc = config.system.build.etc;
      sw = config.system.path;
      systemd = config.systemd.package;
      usersGroups = config.system.build.usersGroups;
      wrappers = config.system.build.wrappers;
      snippets = config.system.build.activationSnippets;
      kernelParams = lib.concatStringsSep " " kernelParams;
      systemName = config.system.name;
      inherit label;
      version = config.system.sysrebuild.version;
      hostSystem = config.nixpkgs.system;
    } ''
      set -e
      mkdir -p "$out/bin"
      vmlinuz=""
      for f in "$kernel"/boot/vmlinuz-*; do [ -e "$f" ] && vmlinuz="$f"; done
      if [ -z "$vmlinuz" ]; then echo "no boot/vmlinuz-* in $kernel" >&2; exit 1; fi
      ln -s "$vmlinuz" "$out/kernel"
      ln -s "$initrd/initrd" "$out/initrd"
      ln -s "$etc/etc" "$out/etc"
      ln -s "$sw" "$out/sw"
      ln -s "$usersGroups" "$out/users-groups.json"
      ln -s "$wrappers" "$out/wrappers.json"
      ln -s "$snippets" "$out/activation-snippets"
      sd=""
      for f in "$systemd"/lib/systemd/systemd "$systemd"/usr/lib/systemd/systemd; do [ -e "$f" ] && sd="$f"; done
      if [ -z "$sd" ]; then echo "no lib/systemd/systemd in $systemd" >&2; exit 1; fi
      ln -s "$sd" "$out/systemd"

      sed "s|@systemConfig@|$out|g" "$stage2" > "$out/init"
      loader=""
      # Debian's /lib64 loader is an absolute link: take the file in the triplet dir.
      for f in "$sw"/usr/lib/*-linux-gnu*/ld-linux*.so.*; do
        [ -e "$f" ] && { loader="$f"; break; }
      done
      if [ -z "$loader" ]; then echo "no dynamic loader (ld-linux*.so.*) in $sw/usr/lib64 or $sw/usr/lib" >&2; exit 1; fi
      libraryPath="$(for d in "$sw"/usr/lib/*-linux-gnu* "$sw"/usr/lib; do [ -d "$d" ] && printf '%s:' "$d"; done)"
      sed -e "s|@systemConfig@|$out|g" -e "s|@loader@|$loader|g" -e "s|@libraryPath@|''${libraryPath%:}|g" \
        "$activate" > "$out/activate"
      printf '#!%s\nexec "%s/activate" --dry-run "$@"\n' "$shell" "$out" > "$out/dry-activate"
      cat > "$out/bin/switch-to-configuration" <<SWITCH
      #!$shell
      # switch-to-configuration {switch|boot|test|dry-activate}: this generation.
      case "\$1" in
        switch|test) exec "$out/activate" ;;
        dry-activate) exec "$out/activate" --dry-run ;;
        boot) echo "installing boot entries comes with the boot loader support" >&2; exit 1 ;;
        *) echo "usage: switch-to-configuration {switch|boot|test|dry-activate}" >&2; exit 1 ;;
      esac
      SWITCH
      chmod 0555 "$out/init" "$out/activate" "$out/dry-activate" "$out/bin/switch-to-configuration"

      printf '%s' "$kernelParams" > "$out/kernel-params"
      printf '%s' "$hostSystem" > "$out/system"
      printf 'systemd' > "$out/init-interface-version"
      printf '%s' "$systemName" > "$out/configuration-name"
      printf '%s' "$version" > "$out/sysrebuild-version"
      sed -e "s|@out@|$out|g" -e "s|@kernel@|$vmlinuz|g" "$bootJson" > "$out/boot.json"
    '';
  };
}
