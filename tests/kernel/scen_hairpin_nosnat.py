"""Hairpin NAT without the SNAT rule: see scen_hairpin.py."""
import sys

from scen_hairpin import main

if __name__ == "__main__":
    sys.exit(main())
