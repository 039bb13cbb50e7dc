syscall::read:return
{
	if (arg0 < 0) {
		@errors[execname] = count();
	} else {
		@bytes[execname] = sum(arg0);
	}
}
