io:::start
{
    iostart[arg0] = timestamp;
}

io:::done
/iostart[arg0]/
{
    @busy_ns[args[1]->dev_statname] = sum(timestamp - iostart[arg0]);
    iostart[arg0] = 0;
}
