syscall::read:return { @sizes = lquantize(arg0, 0, 10, 20); }
