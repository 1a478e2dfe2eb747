"""`python -m channels.privacy --json`: scrub one message read from stdin."""

import argparse
import json
import sys

from channels.privacy.scrubber import scrub


def main() -> int:
    parser = argparse.ArgumentParser(description="Scrub PHI from one message read on stdin.")
    parser.add_argument("--json", action="store_true", help='print {"text": ..., "entities": [...]}')
    args = parser.parse_args()
    result = scrub(sys.stdin.read())
    print(json.dumps(result.as_json(), ensure_ascii=False) if args.json else result.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
