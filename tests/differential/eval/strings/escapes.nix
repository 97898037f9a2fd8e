# standard escapes
"a\nb\tc\rd\\e\"f"
