"""The `amp` command line. Each module named `<name>_cmd.py` here adds one subcommand."""
