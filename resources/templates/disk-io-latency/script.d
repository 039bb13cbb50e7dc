io:::start
{
    iostart[arg0] = timestamp;
}

io:::done
/iostart[arg0]/
{
    @latency_ns = quantize(timestamp - iostart[arg0]);
    iostart[arg0] = 0;
}
