# unused default is not evaluated
({ a ? throw "no" }: 1) { }
