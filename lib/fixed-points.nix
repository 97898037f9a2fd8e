# Fixed points and extensible attribute sets (overlays).
{ lib }:

rec {
  # The fixed point of a function: x such that x == f x (computed lazily).
  # fix :: (a -> a) -> a
  # Example: fix (self: { a = 1; b = self.a + 1; }) => { a = 1; b = 2; }
  fix = f: let x = f x; in x;

  # Like fix, but remembers the function in `__unfix__` so it can be
  # re-tied later.
  # fix' :: (AttrSet -> AttrSet) -> AttrSet
  # Example: (fix' (self: { a = 1; })).__unfix__ { } => { a = 1; }
  fix' = f: let x = f x // { __unfix__ = f; }; in x;

  # Apply f repeatedly until the value no longer changes.
  # converge :: (a -> a) -> a -> a
  # Example: converge (x: if x > 10 then x else x + 3) 0 => 12
  converge = f: x: let next = f x; in if next == x then x else converge f next;

  # Extend a self-referential attribute-set function with an overlay
  # `final: prev: { ... }`.
  # extends :: (AttrSet -> AttrSet -> AttrSet) -> (AttrSet -> AttrSet) -> AttrSet -> AttrSet
  # Example: fix (extends (final: prev: { b = prev.a + 1; }) (self: { a = 1; })) => { a = 1; b = 2; }
  extends = overlay: rattrs: final:
    let prev = rattrs final; in prev // overlay final prev;

  # Compose two overlays; the second sees the result of the first as `prev`.
  # composeExtensions :: Overlay -> Overlay -> Overlay
  # Example: composeExtensions (f: p: { a = 1; }) (f: p: { b = p.a; }) { } { } => { a = 1; b = 1; }
  composeExtensions = f: g: final: prev:
    let
      fApplied = f final prev;
      prev' = prev // fApplied;
    in
    fApplied // g final prev';

  # Compose a list of overlays, first to last.
  # composeManyExtensions :: [Overlay] -> Overlay
  # Example: composeManyExtensions [ o1 o2 o3 ] == composeExtensions o1 (composeExtensions o2 o3)
  composeManyExtensions = lib.foldr composeExtensions (final: prev: { });

  # Turn a function of `prev`, a function of `final` and `prev`, or a plain
  # attribute set into an overlay.
  # toExtension :: (AttrSet | (AttrSet -> AttrSet) | Overlay) -> Overlay
  # Example: toExtension { a = 1; } { } { } => { a = 1; }
  toExtension = f:
    if lib.isFunction f then
      final: prev:
        let fPrev = f prev; in
        if lib.isFunction fPrev then f final prev else fPrev
    else
      final: prev: f;

  # The fixed point of rattrs with an `extend` attribute that applies an
  # overlay and returns a new extensible set.
  # makeExtensible :: (AttrSet -> AttrSet) -> AttrSet
  # Example: (makeExtensible (self: { a = 1; b = self.a; })).extend (f: p: { a = 2; }) => { a = 2; b = 2; extend = ...; __unfix__ = ...; }
  makeExtensible = makeExtensibleWithCustomName "extend";

  # Like makeExtensible, with a custom name for the extend attribute.
  # makeExtensibleWithCustomName :: String -> (AttrSet -> AttrSet) -> AttrSet
  # Example: (makeExtensibleWithCustomName "over" (self: { a = 1; })).over (f: p: { a = 3; }) => { a = 3; ... }
  makeExtensibleWithCustomName = extenderName: rattrs:
    fix' (self: rattrs self // {
      ${extenderName} = overlay: makeExtensibleWithCustomName extenderName (extends overlay rattrs);
    });
}
