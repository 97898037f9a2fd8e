# importing twice gives equal values
(import ./../_lib/helper.nix).name == (import ./../_lib/helper.nix).name
