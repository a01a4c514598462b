"""`ecresearch build | report | countries`: the command line. Errors print one line and exit non-zero."""
from __future__ import annotations

import argparse
import os
import sys

from .errors import EcresearchError


def _build(args: argparse.Namespace) -> int:
    from .dag import steps
    from .pipeline import execute

    result = execute(steps(only=args.only), force=args.force, quiet=args.quiet, jobs=args.jobs)
    ran = [k for k, v in result.items() if v == "ran"]
    print(f"ecresearch build: {len(ran)} of {len(result)} steps ran" if ran
          else f"ecresearch build: everything is up to date ({len(result)} steps)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ecresearch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build everything that is out of date")
    b.add_argument("--force", action="store_true", help="rebuild every step")
    b.add_argument("--quiet", action="store_true", default=bool(os.environ.get("CI")), help="no progress lines")
    b.add_argument("--only", metavar="STEP", help="run one step (e.g. clean)")
    b.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel country reports")
    b.set_defaults(func=_build)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except EcresearchError as exc:
        print(f"ecresearch: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ecresearch: interrupted; previous outputs are intact", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
