# interpolating a bool
"${true}"
