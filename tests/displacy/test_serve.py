"""displacy.serve serves the rendered page with wsgiref until Ctrl-C, which stops it cleanly."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fastnlp import displacy
from fastnlp.errors import DisplacyError

ROOT = Path(__file__).resolve().parents[2]
# A child of a background shell job inherits SIGINT ignored, and Python then installs no
# KeyboardInterrupt handler: put it back, as a terminal's Ctrl-C would find it.
SCRIPT = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
from fastnlp import displacy
data = {"words": [{"text": "Hello", "tag": "INTJ"}, {"text": "there", "tag": "ADV"}],
        "arcs": [{"start": 0, "end": 1, "label": "advmod", "dir": "right"}]}
displacy.serve(data, style="dep", manual=True, port=int(sys.argv[1]), host="127.0.0.1")
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_page_and_ctrl_c():
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        page = None
        deadline = time.time() + 60
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
                    assert resp.headers["Content-type"].startswith("text/html")
                    page = resp.read().decode("utf8")
                break
            except OSError:
                time.sleep(0.2)
        assert page is not None, proc.stderr.read() if proc.poll() is not None else "no answer"
        assert page.startswith("<!DOCTYPE html>") and "<svg" in page
        assert "advmod" in page and "Hello" in page
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert f"Serving on http://127.0.0.1:{port}" in out
    assert f"Shutting down server on port {port}." in out
    assert "Traceback" not in err


def test_port_in_use():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(DisplacyError, match=str(port)):
            displacy.find_available_port(port, "127.0.0.1")
        with pytest.warns(UserWarning, match="instead"):
            assert displacy.find_available_port(port, "127.0.0.1", True) > port


def test_serve_bad_style_fails_before_serving():
    with pytest.raises(DisplacyError, match="'nope'"):
        displacy.serve({"words": [], "arcs": []}, style="nope", manual=True)
