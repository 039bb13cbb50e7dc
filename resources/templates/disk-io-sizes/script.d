io:::start
{
    @bytes[execname] = quantize(args[0]->b_bcount);
}
