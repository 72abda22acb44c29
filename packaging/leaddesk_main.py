"""Entry point of the PyInstaller bundle: the same command line as the `leaddesk` script."""

import multiprocessing
import sys

from leaddesk.cli import main

if __name__ == "__main__":
    # Import parses on a spawned process pool; in a frozen app each worker starts this executable
    # again, and freeze_support() turns it into the worker instead of a second LeadDesk.
    multiprocessing.freeze_support()
    sys.exit(main())
