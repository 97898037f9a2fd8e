# toString uses __toString
toString { __toString = self: "custom-${self.x}"; x = "y"; }
