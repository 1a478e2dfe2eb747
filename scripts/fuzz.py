"""`make fuzz`: atheris over the parsers that read text from outside, FUZZ_SECONDS (default 30) each.

Each target runs in its own process (libFuzzer owns the process and exits it when the time is up). An exception a
parser raises on purpose (the rejection its caller handles) is expected; any other is recorded once per kind and
place, with the input that raised it, and fuzzing goes on, so one run reports everything it found.
Not part of `make test`: it is bounded by time, not by a fixed set of inputs.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

FUZZ_SECONDS = int(os.environ.get("FUZZ_SECONDS", "30"))
TARGETS = ("slot_parsers", "findings", "sms_segments", "portal_jwt", "loaders")
# Our packages and the libraries that parse for us; coverage guides the fuzzer through them.
INSTRUMENTED = ["actions.parsing", "actions.triage", "channels", "nursing.sms", "knowledge.loaders", "jwt", "pypdf",
                "bs4"]


def slot_parsers() -> Callable:
    from actions import parsing

    readers = (parsing.is_unsure, parsing.words_to_number, parsing.parse_age, parsing.parse_sex,
               parsing.parse_yes_no, parsing.parse_severity, parsing.parse_duration_hours, parsing.parse_list,
               parsing.age_and_sex_in_narrative)

    def run(provider) -> None:
        text = provider.ConsumeUnicodeNoSurrogates(400)
        for read in readers:
            read(text)

    return run


def findings() -> Callable:
    from actions.triage.findings import background, extract

    def run(provider) -> None:
        age = provider.ConsumeProbability() * 120 if provider.ConsumeBool() else None
        text = provider.ConsumeUnicodeNoSurrogates(400)
        extract(text, age)
        background(text, age)

    return run


def sms_segments() -> Callable:
    from channels.sms_format import with_options
    from nursing import sms

    def run(provider) -> None:
        titles = [provider.ConsumeUnicodeNoSurrogates(20) for _ in range(provider.ConsumeIntInRange(0, 4))]
        message = {"text": provider.ConsumeUnicodeNoSurrogates(2000), "buttons": [{"title": t} for t in titles]}
        text = with_options(message)
        sms.segments(text)
        sms.split(text)

    return run


def portal_jwt() -> Callable:
    from channels.portal import LaunchRejected, verify
    from channels.settings import Settings

    settings = Settings(portal_jwt_key="fuzzing-key-" + "k" * 32)

    def run(provider) -> None:
        # Three fuzzed parts, base64url-encoded like a real token, reach further than random text would.
        parts = [provider.ConsumeBytes(provider.ConsumeIntInRange(0, 200)) for _ in range(3)]
        if provider.ConsumeBool():
            parts[0] = json.dumps({"alg": provider.PickValueInList(["HS256", "RS256", "none", "HS512"]),
                                   "typ": "JWT"}).encode()
        token = ".".join(base64.urlsafe_b64encode(p).rstrip(b"=").decode() for p in parts)
        with suppress(LaunchRejected):
            verify(token if provider.ConsumeBool() else provider.ConsumeUnicodeNoSurrogates(300), settings)

    return run


def loaders() -> Callable:
    from knowledge.loaders import SUPPORTED, BadDocument, load

    folder = Path(tempfile.mkdtemp(prefix="careline-fuzz-"))
    suffixes = sorted(SUPPORTED)

    def run(provider) -> None:
        suffix = provider.PickValueInList(suffixes)
        path = folder / f"doc{suffix}"
        # A PDF's header gets random bytes past pypdf's first check, into its object parser.
        path.write_bytes((b"%PDF-1.4\n" if suffix == ".pdf" else b"") + provider.ConsumeBytes(20_000))
        with suppress(BadDocument):
            load(path)

    return run


def fuzz_one(name: str, report: Path) -> None:
    """In the child: run one target under atheris, writing each new kind of failure to `report` as it is found."""
    import atheris

    with atheris.instrument_imports(include=INSTRUMENTED):
        target = globals()[name]()
    seen: set[str] = set()

    def one_input(data: bytes) -> None:
        provider = atheris.FuzzedDataProvider(data)
        try:
            target(provider)
        except Exception as err:  # noqa: BLE001 - every unexpected exception is what we are looking for
            where = traceback.extract_tb(err.__traceback__)[-1]
            kind = f"{type(err).__name__} at {where.filename}:{where.lineno}"
            if kind not in seen:
                seen.add(kind)
                with report.open("a") as out:
                    out.write(json.dumps({"kind": kind, "error": str(err)[:300], "input": repr(data[:300])}) + "\n")

    one_input(b"")  # loads what the target loads lazily (spaCy, the embeddings) before the clock starts
    artifacts = f"-artifact_prefix={report.parent}/"  # a timeout's or out-of-memory input, not in the repository
    atheris.Setup([sys.argv[0], f"-max_total_time={FUZZ_SECONDS}", "-print_final_stats=1", "-rss_limit_mb=4096",
                   artifacts], one_input)
    atheris.Fuzz()


def run_target(name: str) -> tuple[str, list[dict]]:
    """Runs and failures of one target, from its child process."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "failures.jsonl"
        # TMPDIR: the child's scratch files land here and go with the folder (libFuzzer's exit skips clean-ups).
        child = subprocess.run([sys.executable, "-m", "scripts.fuzz", "--child", name, str(report)],
                               capture_output=True, text=True, timeout=FUZZ_SECONDS * 3 + 300,
                               env={**os.environ, "TMPDIR": folder})
        failures = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
    runs = re.search(r"Done (\d+) runs", child.stderr)
    if child.returncode and not failures:
        failures = [{"kind": f"the fuzzer exited with {child.returncode}", "error": child.stderr[-800:], "input": ""}]
    return (runs.group(1) if runs else "?"), failures


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        fuzz_one(argv[1], Path(argv[2]))
        return 0
    names = argv or list(TARGETS)
    print(f"fuzzing {', '.join(names)} for {FUZZ_SECONDS} s each", flush=True)
    found = 0
    for name in names:
        runs, failures = run_target(name)
        print(f"{name:<14} {runs:>9} runs  {len(failures)} unexpected exception(s)", flush=True)
        for failure in failures:
            print(f"    {failure['kind']}: {failure['error']}\n        input: {failure['input']}", flush=True)
        found += len(failures)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
