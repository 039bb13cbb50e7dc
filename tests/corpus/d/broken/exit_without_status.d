syscall:::entry { @[execname] = count(); }
tick-10s { exit(); }
