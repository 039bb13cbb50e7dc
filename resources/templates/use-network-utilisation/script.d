ip:::send,
ip:::receive
{
    @packets[probename] = count();
}
