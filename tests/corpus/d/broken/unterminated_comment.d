/*
 * Count system calls by process.
 *
syscall:::entry { @[execname] = count(); }
