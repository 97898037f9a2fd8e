# smallest int via subtraction
-9223372036854775807 - 1
