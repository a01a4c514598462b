"""`python -m ecresearch`: the command line."""

import sys

from ecresearch.cli import main

sys.exit(main())
