#include <sys/syscall.h>

syscall:::entry /arg0 == SYS_read/ { @[execname] = count(); }
