syscall:::entry { @num[probefunc] = count(); }
