# paths are normalized
(./a/../b/./c) == ./b/c
