# unknown escape yields the char
"\q\z\{"
