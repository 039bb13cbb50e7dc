"""``python -m suricate_desktop`` runs the ``suricate`` command line."""

import sys

from .cli.main import main

sys.exit(main())
