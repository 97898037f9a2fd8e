# key order on print is sorted bytewise
{ Z = 1; a = 2; _ = 3; B = 4; "0" = 5; "-" = 6; }
