/* numa02: the same program as numa01.c, built for the partitioned case (see numa01.c). */
#define NUMA02 1
#include "numa01.c"
