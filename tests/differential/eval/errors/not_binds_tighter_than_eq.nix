# ! binds tighter than ==, so !1 fails
!1 == 2
