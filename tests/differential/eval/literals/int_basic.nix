# integer literals print plainly
123
