# large negative division
(-9223372036854775807) / 2
