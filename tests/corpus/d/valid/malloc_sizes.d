pid$target::malloc:entry
{
	@sizes = quantize(arg0);
}
