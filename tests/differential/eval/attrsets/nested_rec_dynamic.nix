# dynamic attrs in rec cannot be referenced but exist
rec { a = 1; ${"b"} = a + 1; }
