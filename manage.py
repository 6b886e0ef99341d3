#!/usr/bin/env python
from harken.__main__ import main

if __name__ == "__main__":
    main()
