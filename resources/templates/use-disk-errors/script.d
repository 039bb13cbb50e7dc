io:::done
/args[0]->b_error != 0/
{
    @errors[args[1]->dev_statname, args[0]->b_error] = count();
}
