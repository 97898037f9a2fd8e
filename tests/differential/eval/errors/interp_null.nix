# interpolating null
"${null}"
