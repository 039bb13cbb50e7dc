proc:::signal-send { @[execname, args[2]] = count(); }
