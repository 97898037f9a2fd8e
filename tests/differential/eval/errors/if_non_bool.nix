# if condition must be bool
if 1 then 2 else 3
