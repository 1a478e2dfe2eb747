"""`python -m channels.console create-user USERNAME [--role nurse|admin]`: the password is asked for."""

import argparse
import getpass
import sys

from channels.console import users


def main() -> int:
    parser = argparse.ArgumentParser(description="Manage nurse console accounts.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user")
    create.add_argument("username")
    create.add_argument("--role", default="nurse", choices=["nurse", "admin"])
    args = parser.parse_args()
    password = getpass.getpass("Password (12+ characters): ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    try:
        users.create(args.username, password, args.role)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"created {args.role} {args.username}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
