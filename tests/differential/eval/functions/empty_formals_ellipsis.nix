# empty pattern with ellipsis
({ ... }: 2) { x = 1; }
