# repeated inner list in nested structure
let l = [ 1 ]; in [ [ l ] [ l ] ]
