"""`python cli.py ...` in a checkout: the same program as the `kaoping` command.

The command line lives in the package (engine/cli.py, imported as kaoping.cli);
this shim is not installed. It needs kaoping installed (pip install -e .).
"""

import sys

from kaoping.cli import main

if __name__ == "__main__":
    sys.exit(main())
