profile-997 /arg0/ { @[stack()] = count(); }
tick-30s { exit(0); }
