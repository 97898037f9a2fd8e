# Trivial builders, with nixpkgs' names, arguments and output layout: writeText and
# friends, runCommand, linkFarm, concatText, substitution helpers, buildEnv and
# symlinkJoin.
#
# Builds run in the sandbox with `pkgs.bootstrapTools` (busybox from the archive) as the
# shell and the only tools on the PATH, never the host's /bin. The shell is busybox's
# `sh` (ash), not bash. The build command may use `substitute`, `substituteInPlace` and
# `substituteAll` (see setup.sh).
{ pkgs }:
let
  inherit (builtins)
    attrNames baseNameOf concatStringsSep isAttrs isList map replaceStrings toString;

  tools = pkgs.bootstrapTools;
  shell = "${tools}/bin/sh";

  # A name derived from a file: its base name, without the file's store context.
  nameOf = src: builtins.unsafeDiscardStringContext (baseNameOf (toString src));

  escapeShellArg = s: "'" + replaceStrings [ "'" ] [ "'\\''" ] (toString s) + "'";

  # The bin directories of packages: nixpkgs-style `bin/` and Debian's `usr/bin/`.
  binPath = pkgs': concatStringsSep ":" (builtins.concatMap (p: [ "${p}/bin" "${p}/usr/bin" ]) pkgs');

  # The attributes only the Nix side understands.
  nixOnly = [ "passthru" "meta" "nativeBuildInputs" "buildInputs" ];

  self = rec {
    runtimeShell = shell;

    # runCommandWith { name, derivationArgs ? { } } buildCommand
    runCommandWith =
      { name, derivationArgs ? { } }:
      buildCommand:
      let
        inputs = (derivationArgs.nativeBuildInputs or [ ]) ++ (derivationArgs.buildInputs or [ ]);
        drv = derivation (
          removeAttrs derivationArgs nixOnly
          // {
            inherit name buildCommand;
            system = builtins.currentSystem;
            builder = shell;
            args = [ "-e" ./setup.sh ];
            substituteAwk = ./substitute.awk;
            PATH = binPath inputs + (if inputs == [ ] then "" else ":") + "${tools}/bin";
            passAsFile = [ "buildCommand" ] ++ (derivationArgs.passAsFile or [ ]);
          }
        );
      in
      drv // (derivationArgs.passthru or { }) // { meta = derivationArgs.meta or { }; };

    # runCommand name env buildCommand: runs buildCommand, which creates $out.
    runCommand = name: env: runCommandWith { inherit name; derivationArgs = env; };

    # Like runCommand, built locally and never substituted (it is cheap).
    runCommandLocal =
      name: env:
      runCommand name ({ preferLocalBuild = true; allowSubstitutes = false; } // env);

    # writeTextFile { name, text, executable ? false, destination ? "", checkPhase ? "" }
    writeTextFile =
      {
        name,
        text,
        executable ? false,
        destination ? "",
        checkPhase ? "",
        meta ? { },
        allowSubstitutes ? false,
        preferLocalBuild ? true,
        derivationArgs ? { },
      }:
      assert destination == "" || builtins.substring 0 1 destination == "/";
      runCommand name
        (
          {
            inherit text checkPhase meta allowSubstitutes preferLocalBuild;
            executable = if executable then "1" else "";
            passAsFile = [ "text" ];
          }
          // derivationArgs
        )
        ''
          target=$out${escapeShellArg destination}
          mkdir -p "$(dirname "$target")"
          if [ -e "''${textPath:-}" ]; then
            cat "$textPath" > "$target"
          else
            printf '%s' "$text" > "$target"
          fi
          if [ -n "$executable" ]; then
            chmod +x "$target"
          fi
          eval "$checkPhase"
        '';

    writeText = name: text: writeTextFile { inherit name text; };

    writeTextDir =
      path: text:
      writeTextFile {
        inherit text;
        name = baseNameOf path;
        destination = "/${path}";
      };

    writeScript = name: text: writeTextFile { inherit name text; executable = true; };

    writeScriptBin =
      name: text:
      writeTextFile {
        inherit name text;
        executable = true;
        destination = "/bin/${name}";
      };

    writeShellScript =
      name: text:
      writeTextFile {
        inherit name;
        executable = true;
        text = ''
          #!${runtimeShell}
          ${text}
        '';
        checkPhase = ''
          ${runtimeShell} -n "$target"
        '';
      };

    writeShellScriptBin =
      name: text:
      writeTextFile {
        inherit name;
        executable = true;
        destination = "/bin/${name}";
        text = ''
          #!${runtimeShell}
          ${text}
        '';
        checkPhase = ''
          ${runtimeShell} -n "$target"
        '';
      };

    # linkFarm name entries: entries is a list of { name, path } or a set name -> path;
    # $out/<name> is a symlink to path (names may contain directories).
    linkFarm =
      name: entries:
      let
        list =
          if isList entries then
            entries
          else
            map (n: { name = n; path = entries.${n}; }) (attrNames entries);
      in
      runCommand name
        {
          preferLocalBuild = true;
          allowSubstitutes = false;
          passthru.entries = list;
        }
        (
          ''
            mkdir -p $out
            cd $out
          ''
          + concatStringsSep "" (
            map (x: ''
              mkdir -p "$(dirname ${escapeShellArg x.name})"
              ln -s ${escapeShellArg "${x.path}"} ${escapeShellArg x.name}
            '') list
          )
        );

    # linkFarmFromDrvs name drvs: linkFarm of each derivation under its name.
    linkFarmFromDrvs = name: drvs: linkFarm name (map (d: { name = d.name; path = d; }) drvs);

    # concatTextFile { name, files, executable ? false, checkPhase ? "", destination ? "" }
    concatTextFile =
      {
        name,
        files,
        executable ? false,
        checkPhase ? "",
        destination ? "",
        meta ? { },
      }:
      runCommandLocal name
        {
          inherit files checkPhase meta;
          executable = if executable then "1" else "";
        }
        ''
          target=$out${escapeShellArg destination}
          mkdir -p "$(dirname "$target")"
          cat $files > "$target"
          if [ -n "$executable" ]; then
            chmod +x "$target"
          fi
          eval "$checkPhase"
        '';

    concatText = name: files: concatTextFile { inherit name files; };
    concatScript = name: files: concatTextFile { inherit name files; executable = true; };

    # substitute { src, substitutions ? [ ], name ? baseNameOf src }: a copy of src with the
    # substitute options applied (e.g. [ "--replace-fail" "old" "new" "--subst-var-by" "x" "y" ]).
    substitute =
      { src, substitutions ? [ ], name ? nameOf src, ... }@args:
      runCommandLocal name (removeAttrs args [ "src" "substitutions" "name" ]) ''
        substitute ${src} $out ${concatStringsSep " " (map escapeShellArg substitutions)}
      '';

    # substituteAll { src, ... }: every @name@ of src replaced by the attribute `name`.
    substituteAll =
      { src, name ? nameOf src, ... }@args:
      runCommandLocal name (removeAttrs args [ "src" "name" ]) ''
        substituteAll ${src} $out
      '';

    # replaceVars src { name = value; }: @name@ replaced for each attribute; each must
    # occur.
    replaceVars =
      src: vars:
      runCommandLocal (nameOf src) { } ''
        substitute ${src} $out ${
          concatStringsSep " " (
            map (n: "--subst-var-by ${escapeShellArg n} ${escapeShellArg (toString vars.${n})}") (
              attrNames vars
            )
          )
        }
      '';

    # buildEnv { name, paths, pathsToLink ? [ "/" ], ignoreCollisions ? false, postBuild ? "" }:
    # the packages (and what they propagate) merged into one tree by builtin:buildenv;
    # each path's priority is its meta.priority (default 5; lower wins).
    buildEnv =
      {
        name,
        paths,
        pathsToLink ? [ "/" ],
        ignoreCollisions ? false,
        extraOutputsToInstall ? [ ],
        postBuild ? "",
        meta ? { },
        passthru ? { },
        ...
      }:
      let
        env = derivation {
          name = if postBuild == "" then name else "${name}-merged";
          system = "builtin";
          builder = "builtin:buildenv";
          inherit paths pathsToLink;
          priorities = map (p: toString (if isAttrs p then p.meta.priority or 5 else 5)) paths;
          ignoreCollisions = if ignoreCollisions then "1" else "";
          preferLocalBuild = true;
          allowSubstitutes = false;
        };
        result =
          if postBuild == "" then
            env
          else
            runCommandLocal name { } ''
              cp -a ${env} $out
              chmod -R u+w $out
              ${postBuild}
            '';
      in
      result // passthru // { inherit meta paths; };

    # symlinkJoin { name, paths, postBuild ? "" }: like buildEnv, the first path wins a
    # collision silently (as nixpkgs' lndir-based symlinkJoin).
    symlinkJoin =
      { name, paths, postBuild ? "", ... }@args:
      buildEnv (
        removeAttrs args [ "paths" ]
        // {
          inherit name postBuild;
          paths = paths;
          ignoreCollisions = true;
        }
      );

    # Priorities for buildEnv (nixpkgs' lib.hiPrio/lowPrio/setPrio).
    setPrio = priority: drv: drv // { meta = (drv.meta or { }) // { inherit priority; }; };
    hiPrio = setPrio (-10);
    lowPrio = setPrio 10;
  };
in
self
