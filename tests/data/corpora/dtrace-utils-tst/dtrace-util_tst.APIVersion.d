/*
 * Oracle Linux DTrace.
 * Copyright (c) 2006, 2021, Oracle and/or its affiliates. All rights reserved.
 * Licensed under the Universal Permissive License v 1.0 as shown at
 * http://oss.oracle.com/licenses/upl.
 */

/* Assertion:
 * Use the -V option to printout API version.
 *
 * SECTION:
 *	dtrace Utility/-V Option
 *
 * NOTES:
 * Use /usr/sbin/dtrace -V on command line.
 */

/* @@runtest-opts: -V */
