# empty attrset
{ }
