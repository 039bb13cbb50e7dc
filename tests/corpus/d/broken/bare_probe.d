syscall::read:entry { @reads = count(); }

syscall::write:entry
