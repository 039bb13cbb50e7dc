syscall::read:entry { @dist[execname] = lquantize(arg0, 0, 12, 2); }
