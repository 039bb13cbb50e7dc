syscall:::entry /pid == 1234/ { @[probefunc] = count(); }
