#pragma D option quite

syscall:::entry { @[execname] = count(); }
