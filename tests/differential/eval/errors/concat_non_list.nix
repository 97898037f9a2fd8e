# ++ on non-lists
[ 1 ] ++ 2
