syscall:::entry { @[execname] = count(1); }
