syscall::read:entry { @dist[execname] = lquantize(arg0, 12, 0, 2); }
