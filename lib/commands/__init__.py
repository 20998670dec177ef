"""CLI commands by domain; each module registers with lib.cli.command."""
