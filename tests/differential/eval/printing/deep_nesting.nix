# deep nesting
[ [ [ [ [ [ "deep" ] ] ] ] ] ]
