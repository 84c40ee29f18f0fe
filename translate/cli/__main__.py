"""``python -m translate.cli``: the same command as the ``translate`` script."""

import sys

from translate.cli.group import main

sys.exit(main())
