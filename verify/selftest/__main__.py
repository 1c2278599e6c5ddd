import sys

from verify.selftest.runner import main

sys.exit(main())
