# URI literal is a string
http://example.org/foo?bar=1
