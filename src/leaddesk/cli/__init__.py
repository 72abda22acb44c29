"""The command line (placeholder until the CLI lands in this commit series)."""


def main() -> int:
    return 0
