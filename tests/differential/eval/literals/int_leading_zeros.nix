# leading zeros are decimal
007
