syscall:::entry { @[execname] = count();
