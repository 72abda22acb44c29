"""`python -m leaddesk` runs the same command line as the `leaddesk` script."""

import sys

from leaddesk.cli import main

sys.exit(main())
