# coercing an attrset without outPath to string
"${{ a = 1; }}"
