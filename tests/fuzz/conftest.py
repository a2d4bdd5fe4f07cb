"""The fuzz suite's summary: cases run per reader and how they ended."""
import os

from fuzzing import OUTCOMES, factor

COLUMNS = ("ok", "fastnlp error", "other")


def summary_table() -> str:
    lines = [f"fuzz outcomes (examples x{factor()})",
             f"{'reader':<28}{'cases':>8}" + "".join(f"{c:>15}" for c in COLUMNS)]
    for reader in sorted(OUTCOMES):
        counts = OUTCOMES[reader]
        lines.append(f"{reader:<28}{sum(counts.values()):>8}"
                     + "".join(f"{counts[c]:>15}" for c in COLUMNS))
    return "\n".join(lines) + "\n"


def pytest_sessionfinish(session, exitstatus):
    if not OUTCOMES:
        return
    table = summary_table()
    report = os.environ.get("FASTNLP_FUZZ_REPORT")
    if report:
        with open(report, "w", encoding="utf8") as f:
            f.write(table)
    if session.config.getoption("capture") == "no":
        print("\n" + table)
