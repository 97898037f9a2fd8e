# Shared by the systemd modules: the option shapes of units (NixOS's: `description`,
# `wantedBy`, `after`, `serviceConfig`, `script`, …) and their rendering as unit files.
{ lib }:
let
  inherit (lib) mkOption types;

  # A value of a unit file: booleans as systemd spells them, paths and numbers as text.
  unitValue = v:
    if builtins.isBool v then (if v then "true" else "false")
    else toString v;

  # A section: one `Key=value` line per value (lists repeat the key; null omits it).
  section = name: attrs:
    let
      lines = lib.concatLists (lib.mapAttrsToList (key: value:
        if value == null then [ ]
        else if builtins.isList value then map (v: "${key}=${unitValue v}") value
        else [ "${key}=${unitValue value}" ]) attrs);
    in
    lib.optionalString (lines != [ ]) "[${name}]\n${lib.concatLines lines}";

  # `Environment="NAME=value"`: quoted as systemd reads it.
  environmentLine = name: value:
    let escaped = lib.replaceStrings [ "\\" "\"" "%" ] [ "\\\\" "\\\"" "%%" ] "${name}=${toString value}";
    in "\"${escaped}\"";

  unitOption = type: description: mkOption { inherit type description; };
  listOfUnits = description: mkOption {
    type = types.listOf types.str;
    default = [ ];
    inherit description;
  };
  unitSettings = types.attrsOf (types.nullOr (types.oneOf [
    types.bool types.int types.str types.path (types.listOf (types.oneOf [ types.int types.str types.path ]))
  ]));

  # What every unit type has.
  commonOptions = {
    enable = mkOption {
      type = types.bool;
      default = true;
      description = "Whether the unit is part of the system (false: not even its file).";
    };
    description = mkOption {
      type = types.str;
      default = "";
      description = "The unit's description (`Description=`).";
    };
    documentation = listOfUnits "URLs of the unit's documentation (`Documentation=`).";
    wantedBy = listOfUnits "Units that want this one (it is linked into their `.wants/`).";
    requiredBy = listOfUnits "Units that require this one (linked into their `.requires/`).";
    upheldBy = listOfUnits "Units that uphold this one (linked into their `.upholds/`).";
    wants = listOfUnits "Units started with this one (`Wants=`).";
    requires = listOfUnits "Units this one requires (`Requires=`).";
    requisite = listOfUnits "Units that must already be active (`Requisite=`).";
    bindsTo = listOfUnits "Units this one is bound to (`BindsTo=`).";
    partOf = listOfUnits "Units whose stop and restart apply to this one too (`PartOf=`).";
    conflicts = listOfUnits "Units that cannot run together with this one (`Conflicts=`).";
    before = listOfUnits "Units started after this one (`Before=`).";
    after = listOfUnits "Units started before this one (`After=`).";
    onFailure = listOfUnits "Units activated when this one fails (`OnFailure=`).";
    onSuccess = listOfUnits "Units activated when this one succeeds (`OnSuccess=`).";
    unitConfig = mkOption {
      type = unitSettings;
      default = { };
      example = { RequiresMountsFor = "/data"; };
      description = "Further settings of the `[Unit]` section.";
    };
    restartTriggers = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
      description = "Values (often store paths) whose change restarts the unit on switch.";
    };
    reloadTriggers = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
      description = "Values whose change reloads the unit on switch.";
    };
    overrideStrategy = mkOption {
      type = types.enum [ "asDropinIfExists" "asDropin" ];
      default = "asDropinIfExists";
      description = ''
        For units the packages already ship: whether sysrebuild's definition replaces
        theirs (`asDropinIfExists`: only where none exists) or is added as a drop-in.
      '';
    };
  };

  # The `[Unit]` section of any unit.
  unitSection = name: def:
    section "Unit" ({
      Description = if def.description == "" then null else def.description;
      Documentation = def.documentation;
      Wants = def.wants;
      Requires = def.requires;
      Requisite = def.requisite;
      BindsTo = def.bindsTo;
      PartOf = def.partOf;
      Conflicts = def.conflicts;
      Before = def.before;
      After = def.after;
      OnFailure = def.onFailure;
      OnSuccess = def.onSuccess;
      X-Restart-Triggers = if def.restartTriggers == [ ] then null
        else builtins.hashString "sha256" (toString def.restartTriggers);
      X-Reload-Triggers = if def.reloadTriggers == [ ] then null
        else builtins.hashString "sha256" (toString def.reloadTriggers);
    } // def.unitConfig);

  # Removes the empty lists so a section only lists what is set.
  dropEmpty = lib.filterAttrs (_: v: v != [ ]);
in
{
  inherit section unitValue environmentLine commonOptions unitSection unitSettings dropEmpty;

  # Joins sections into a unit file (a blank line between sections).
  unitText = sections: lib.concatStringsSep "\n" (lib.filter (s: s != "") sections);

  # The characters systemd allows in unit names.
  unitNameType = types.strMatching "^[A-Za-z0-9:_.@\\\\-]+$";
}
