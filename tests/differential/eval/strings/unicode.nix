# unicode passes through
"héllo wörld ✓ 日本"
