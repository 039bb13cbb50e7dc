io:::start
{
    inflight++;
    @queue_depth = lquantize(inflight, 0, 64, 1);
}

io:::done
/inflight > 0/
{
    inflight--;
}
