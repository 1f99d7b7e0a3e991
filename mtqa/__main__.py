import sys

from mtqa.cli.main import main

sys.exit(main())
