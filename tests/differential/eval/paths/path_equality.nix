# path equality and comparison
[ (./a == ./a) (./a == ./b) (./a < ./b) ]
