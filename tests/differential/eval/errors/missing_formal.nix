# missing required formal
({ a }: a) { }
