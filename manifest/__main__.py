"""Entry point of `python -m manifest`; see manifest/cli.py."""

from manifest.cli import main

raise SystemExit(main())
