/*
 * Oracle Linux DTrace.
 * Copyright (c) 2020, Oracle and/or its affiliates. All rights reserved.
 * Licensed under the Universal Permissive License v 1.0 as shown at
 * http://oss.oracle.com/licenses/upl.
 */

BEGIN
{
	exit(0);
}

BEGIN
{
	printf("shouldn't be here...");
	here++;
}

END
{
	exit(here);
}
