# toString of float with many digits
toString (1.0 / 3)
