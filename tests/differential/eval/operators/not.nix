# boolean negation
[ (!true) (!false) (!!true) (!(1 == 2)) ]
