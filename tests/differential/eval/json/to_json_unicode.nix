# toJSON leaves unicode as is
builtins.toJSON "héllo ✓ 日本"
