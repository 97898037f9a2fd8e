# empty pattern
({ }: 1) { }
