# 1.0 prints without fraction
1.0
