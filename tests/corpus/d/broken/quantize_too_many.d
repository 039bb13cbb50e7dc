syscall::read:return { @sizes = quantize(arg0, 1, 2); }
