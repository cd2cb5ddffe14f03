"""`python -m rag` runs the `khabar` command line."""

from .cli import main

main()
