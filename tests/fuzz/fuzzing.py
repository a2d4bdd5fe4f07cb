"""What every fuzz test shares: the example budget, and the check of one case.

Each case must end in success or a fastnlp error (FastNLPError) whose message is one line
naming the input; anything else fails the test. Outcomes are counted per reader in
OUTCOMES, which tests/fuzz/conftest.py prints (with -s) or writes to FASTNLP_FUZZ_REPORT.
"""
import os
import shutil
import signal
from collections import Counter, defaultdict

import srsly
from hypothesis import HealthCheck, settings, strategies as st

from fastnlp.errors import FastNLPError


def factor() -> int:
    """The example multiplier: FASTNLP_FUZZ_EXAMPLES, which --fuzz-long sets in
    pytest_configure (read when a test module is imported, after that hook)."""
    return max(1, int(os.environ.get("FASTNLP_FUZZ_EXAMPLES", "1") or 1))


OUTCOMES = defaultdict(Counter)  # reader -> Counter of "ok" / "fastnlp error" / "other"
CASE_TIMEOUT_S = 20  # a case this slow counts as a hang


def fuzz(max_examples: int):
    """Fixed seeds (derandomize) so CI is repeatable; FASTNLP_FUZZ_EXAMPLES multiplies."""
    return settings(derandomize=True, deadline=None, max_examples=max_examples * factor(),
                    database=None, suppress_health_check=[HealthCheck.too_slow,
                                                          HealthCheck.data_too_large,
                                                          HealthCheck.filter_too_much])


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"case ran over {CASE_TIMEOUT_S}s")


def check_case(reader: str, names, call):
    """Run `call()`; success or a one-line FastNLPError naming the input (`names` is the
    text the message must contain) pass; the error's message is returned (None on success).
    """
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_TIMEOUT_S)
    try:
        call()
    except FastNLPError as err:
        message = str(err)
        if "\n" in message or str(names) not in message:
            OUTCOMES[reader]["other"] += 1
            raise AssertionError(f"{reader}: error does not name {names!r} on one line: "
                                 f"{type(err).__name__}: {message!r}") from err
        OUTCOMES[reader]["fastnlp error"] += 1
        return message
    except BaseException:
        OUTCOMES[reader]["other"] += 1
        raise
    else:
        OUTCOMES[reader]["ok"] += 1
        return None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- strategies shared by the readers --------------------------------------------------

# msgpack-able values of any shape, for replacing a field of a real message.
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**64 - 1),
                   st.floats(allow_nan=False), st.text(max_size=8), st.binary(max_size=16))
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=8)


@st.composite
def mutated_bytes(draw, data: bytes):
    """`data` with a few byte flips, a cut, an insertion or a deletion."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "set"]))
        if not data:
            kind = "insert"
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at:at + draw(st.integers(1, 8))]
    return bytes(data)


@st.composite
def mutated_dict(draw, msg: dict, values=VALUES):
    """A copy of `msg` with a key removed, a value replaced, or a list value cut/grown."""
    msg = dict(msg)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(sorted(msg, key=str) or ["x"]))
        kind = draw(st.sampled_from(["remove", "replace", "resize", "add"]))
        if kind == "remove":
            msg.pop(key, None)
        elif kind == "replace":
            msg[key] = draw(values)
        elif kind == "add":
            msg[draw(st.text(max_size=6))] = draw(values)
        elif isinstance(msg.get(key), (list, bytes, str)):
            value = msg[key]
            cut = draw(st.integers(0, len(value) + 2))
            msg[key] = value[:cut] if cut <= len(value) else value + value[:cut - len(value)]
    return msg


def damaged_msgpack(data: bytes, max_random: int = 120):
    """Random bytes, `data` with bytes damaged, or `data`'s msgpack message with fields
    removed, replaced or resized and packed again."""
    return st.one_of(st.binary(max_size=max_random), mutated_bytes(data),
                     mutated_dict(srsly.msgpack_loads(data)).map(srsly.msgpack_dumps))


@st.composite
def mutated_text(draw, text: str, fields: str = "\t"):
    """`text` with lines dropped, repeated or swapped, a field (split on `fields`)
    replaced by random text, or random characters put in or cut out."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["drop", "repeat", "swap", "field", "insert", "cut"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            lines = [""]
        if kind == "drop":
            del lines[at]
        elif kind == "repeat":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "field":
            parts = lines[at].split(fields)
            i = draw(st.integers(0, len(parts) - 1))
            parts[i] = draw(st.one_of(st.text(max_size=6), st.sampled_from(
                ["_", "-", "0", "-1", "1-2", "99", "2.1", "B-X", "I-", "NE=B-LOC", "{}", "[]",
                 "null", "\"", "SpaceAfter=No", "1e400", "\t", " "])))
            lines[at] = fields.join(parts)
        elif kind == "insert":
            line = lines[at]
            pos = draw(st.integers(0, len(line)))
            lines[at] = line[:pos] + draw(st.text(min_size=1, max_size=4)) + line[pos:]
        else:
            line = lines[at]
            pos = draw(st.integers(0, len(line)))
            lines[at] = line[:pos] + line[pos + draw(st.integers(1, 6)):]
    return "\n".join(lines)


@st.composite
def damaged_file(draw, original):
    """(file, new bytes or None to remove it) for one of `original` ({path: bytes}):
    removed, truncated, mutated or replaced by random bytes."""
    rel = draw(st.sampled_from(sorted(original)))
    data = original[rel]
    kind = draw(st.sampled_from(["remove", "truncate", "mutate", "random"]))
    if kind == "remove":
        return rel, None
    if kind == "truncate":
        return rel, data[:draw(st.integers(0, max(len(data) - 1, 0)))]
    if kind == "mutate":
        return rel, draw(mutated_bytes(data))
    return rel, draw(st.binary(max_size=64))


def damaged_copy(saved, dest, rel, data):
    """A fresh copy of the directory `saved` at `dest` with file `rel` replaced by
    `data` (removed if None); returns dest."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(saved, dest)
    if data is None:
        (dest / rel).unlink()
    else:
        (dest / rel).write_bytes(data)
    return dest
