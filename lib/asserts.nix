# Assertions with helpful messages.
{ lib }:

rec {
  # true if the condition holds, else throw the message (use with `assert`).
  # assertMsg :: Bool -> String -> Bool
  # Example: assert assertMsg (1 < 2) "math is broken"; "ok" => "ok"
  assertMsg = pred: msg: pred || builtins.throw msg;

  # Assert that a value is one of the allowed ones.
  # assertOneOf :: String -> a -> [a] -> Bool
  # Example: assertOneOf "color" "red" [ "red" "green" ] => true
  assertOneOf = name: val: xs:
    assertMsg (builtins.elem val xs)
      "${name} must be one of ${lib.generators.toPretty { } xs}, but is: ${lib.generators.toPretty { } val}";

  # Assert that every value of a list is one of the allowed ones.
  # assertEachOneOf :: String -> [a] -> [a] -> Bool
  # Example: assertEachOneOf "colors" [ "red" ] [ "red" "green" ] => true
  assertEachOneOf = name: vals: xs:
    assertMsg (builtins.all (v: builtins.elem v xs) vals)
      "each element in ${name} must be one of ${lib.generators.toPretty { } xs}, but is: ${lib.generators.toPretty { } vals}";
}
