/*
 * Oracle Linux DTrace.
 * Copyright (c) 2006, 2021, Oracle and/or its affiliates. All rights reserved.
 * Licensed under the Universal Permissive License v 1.0 as shown at
 * http://oss.oracle.com/licenses/upl.
 */

/*
 * ASSERTION:
 *  Positive trace tests - trace with strings
 *
 * SECTION: Actions and Subroutines/trace()
 */

BEGIN
{
	trace("this");
	trace(" %should work.\n");
	trace("%don't w%orry -- this won't cause a %segfault.\n");

	exit(0);
}
