# equality across types
[ (1 == "1") (null == null) (null == false) (true == true) ("a" == "a") (1 == 1.0) ]
