# division is left associative
100 / 10 / 5
