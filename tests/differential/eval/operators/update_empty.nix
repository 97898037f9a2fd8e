# // with empty sets
[ ({ } // { a = 1; }) ({ a = 1; } // { }) ]
