# < on attribute sets
{ } < { }
