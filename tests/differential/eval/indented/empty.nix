# empty indented string
''''
