"""``python -m suricate_desktop`` runs the ``suricate`` command line; a packaged app runs the workbench.

A Briefcase bundle starts its app by running this module from its own launcher, not from a Python
interpreter: there the workbench opens, and ``--cli`` first gives the command line
(:mod:`suricate_desktop.launcher`).
"""

import sys

from .launcher import module_main

sys.exit(module_main(sys.argv[1:], sys.executable))
