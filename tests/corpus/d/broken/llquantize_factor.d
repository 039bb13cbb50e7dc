syscall::write:entry { @ = llquantize(arg2, 1, 0, 6, 20); }
