"""A DNAT rule added while an untracked connection exists: see scen_dnat_added.py."""
import sys

from scen_dnat_added import main

if __name__ == "__main__":
    sys.exit(main())
