syscall::read:entry { @reads = count(); }

syscall::write:entry
/execname == "bash"/
