syscall:::return /errno != 0/ { @[execname, errno] = count(); }
