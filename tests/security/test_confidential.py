"""No lead leaves the machine and no message repeats a company's name (issue 11, part 2).

- A name that fails validation (too long, wrong type) is never quoted; a row whose cells do not
  line up with its header quotes no cell; every quoted value is a short, printable excerpt.
- ``--engine dask`` sends a worker only what ranking needs: a real scheduler on 127.0.0.1,
  every frame written on its connections tapped, carries no name or id; a scheduler on another
  machine needs TLS or ``--allow-insecure-scheduler``; a server that is no Dask scheduler is a
  located error within the connect timeout.
- An output that is an input (however spelled, or a hard link) or a symbolic link is refused.
"""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import threading
from pathlib import Path

import pytest

from siting._errors import Problem, SitingInputError, excerpt, printable
from siting.inputs.leads import read_leads
from siting.inputs.profile import parse_profile
from siting.jobs import dask_engine
from siting.jobs.screen import screen_leads

from ..conftest import REPO
from .helpers import CASE2, SECRET, cli, with_id

PIPELINE = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"


def _leads(tmp_path: Path, n: int = 6, *, name: str = SECRET) -> Path:
    with PIPELINE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[: n + 1]
    column = rows[0].index("name")
    for k, row in enumerate(rows[1:]):
        row[column] = f"{name} {k}"
    path = tmp_path / "leads.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


# --- messages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [SECRET * 1000, 12345, [SECRET], {"legal": SECRET}, True, SECRET + "\x1b[31m" * 200]
)
def test_a_name_that_fails_validation_is_never_quoted(name):
    with pytest.raises(SitingInputError) as caught:
        parse_profile({"company": {"id": "L1", "name": name}, "needs": {"year": 2028}}, file="f")
    text = str(caught.value)
    assert "SECRETCO" not in text and "12345" not in text
    assert "company.name" in text and len(text) < 300


def test_a_too_long_name_in_a_leads_table_reaches_no_output(tmp_path):
    path = _leads(tmp_path, 3, name=SECRET * 40)  # longer than the 300 characters allowed
    out = tmp_path / "out.json"
    ran = cli("screen", path, "--out", out)
    assert ran.code == 0, ran.text
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [lead["status"] for lead in result["leads"]] == ["invalid_input"] * 3
    for text in (ran.text, out.read_text(encoding="utf-8")):
        assert "SECRETCO" not in text
    assert "too long" in out.read_text(encoding="utf-8")


def test_a_row_whose_cells_shift_quotes_no_cell(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(
        "id,name,nts_domains,municipality,year\n"
        "L1,SECRETCO, Holding BV,quantum,Delft,2028\n"  # an unquoted comma in the name
        "L2,Other,quantum,Delft\n"  # a cell short
        "L3,Fine,quantum,Delft,2028\n",
        encoding="utf-8",
    )
    table = read_leads(path)
    assert [lead.valid for lead in table.leads] == [False, False, True]
    texts = [str(p) for lead in table.leads for p in lead.problems]
    assert len(texts) == 2 and all("no cell is shown" in t for t in texts)
    assert not any(s in t for t in texts for s in ("SECRETCO", "Holding", "quantum", "Delft"))
    result = screen_leads(table, top=2)
    assert [lead.row for lead in result.leads] == [2, 3, 4]  # no lead lost
    out = tmp_path / "out.csv"
    assert cli("screen", path, "--out", out).code == 0
    assert "Holding" not in out.read_text(encoding="utf-8")


def test_quoted_values_are_short_printable_excerpts():
    assert excerpt("abc") == "'abc'"
    assert excerpt(1e308) == "1e+308"
    long = excerpt("x" * 10_000_000)
    assert long.startswith("'xxxx") and long.endswith("(10,000,000 characters)")
    assert len(long) < 80
    assert excerpt("a\x1b[2J\nb\x07c\u202e") == "'a bc'"
    assert printable("ok\x1b]8;;http://evil\x07link\x1b]8;;\x07 \x9b31m") == "oklink "


def test_every_problem_is_bounded_and_printable():
    problem = Problem(file="f\x1b[31m.csv", message="x" * 5000 + "\x07", column="c\nd" * 100)
    assert "\x1b" not in str(problem) and "\x07" not in str(problem)
    assert len(problem.message) < 1100 and len(problem.column or "") < 100


def test_unknown_values_are_excerpts_in_every_message(tmp_path):
    case = tmp_path / "case.toml"
    text = CASE2.read_text(encoding="utf-8").replace(
        'nts_domains = ["semiconductors", "optical systems and integrated photonics"]',
        f'nts_domains = ["{"y" * 100_000}"]',
    )
    case.write_text(text, encoding="utf-8")
    ran = cli("rank", case)
    assert ran.code == 2 and "(100,000 characters)" in ran.err and len(ran.err) < 2000


# --- the Dask engine ---------------------------------------------------------------------------


@pytest.fixture
def tapped(monkeypatch) -> list[bytes]:
    """Every frame written on a TCP connection of this process (client, scheduler, worker)."""
    from distributed.comm import tcp

    frames: list[bytes] = []
    real = tcp._add_frames_header

    def tap(parts):
        frames.extend(bytes(memoryview(p)) for p in parts)
        return real(parts)

    monkeypatch.setattr(tcp, "_add_frames_header", tap)
    return frames


def test_no_name_or_id_crosses_the_wire_of_a_real_scheduler(tmp_path, tapped):
    import dask
    from distributed import LocalCluster

    path = _leads(tmp_path, 8)
    table = read_leads(path)
    with (
        dask.config.set({"distributed.comm.compression": None}),
        LocalCluster(
            n_workers=1,
            processes=False,
            protocol="tcp://",
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
    ):
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        remote = screen_leads(table, top=3, engine="dask", scheduler=cluster.scheduler_address)
    local = screen_leads(table, top=3)
    assert remote.leads == local.leads  # ids, rows and regions put back
    wire = b"".join(tapped)
    assert b"Eindhoven" in wire or b"Delft" in wire  # the tap sees the payloads ...
    assert b"SECRETCO" not in wire  # ... but no name
    for lead in table.leads:
        assert lead.lead_id.encode() not in wire  # and no lead id
    assert str(path).encode() not in wire  # nor the file


@pytest.mark.parametrize(
    "address", ["tcp://10.1.2.3:8786", "192.168.0.5:8786", "ws://example.org:80", "tcp://host:1"]
)
def test_a_scheduler_elsewhere_without_tls_is_refused(address, tmp_path):
    with pytest.raises(SitingInputError, match="not on this machine and not encrypted"):
        screen_leads(_leads(tmp_path, 2), engine="dask", scheduler=address)
    ran = cli("screen", _leads(tmp_path, 2), "--engine", "dask", "--scheduler", address)
    assert ran.code == 2 and "--allow-insecure-scheduler" in ran.err


@pytest.mark.parametrize(
    "address",
    ["tcp://127.0.0.1:8786", "localhost:8786", "tcp://[::1]:8786", "tls://10.1.2.3:8786"],
)
def test_loopback_and_tls_schedulers_are_accepted(address):
    assert dask_engine.check_scheduler(address) in ("tcp", "tls")
    assert dask_engine.check_scheduler("tcp://10.1.2.3:8786", allow_insecure=True) == "tcp"


def test_help_says_where_leads_may_be_sent(monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    ran = cli("screen", "--help")
    assert ran.code == 0
    text = " ".join(re.sub("[│╭╮╰╯─]", " ", ran.out).split())
    assert "--allow-insecure-scheduler" in text and "TLS" in text and "never its name" in text


@pytest.fixture
def fake_server():
    """A TCP server on 127.0.0.1 that is no Dask scheduler: garbage, or silence."""
    servers = []

    def start(answer: bytes | None) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        stop = threading.Event()

        def serve() -> None:
            sock.settimeout(0.2)
            conns = []
            while not stop.is_set():
                try:
                    conn, _ = sock.accept()
                except OSError:
                    continue
                conns.append(conn)
                if answer is not None:
                    conn.sendall(answer)
            for conn in conns:
                conn.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        servers.append((sock, stop, thread))
        return f"tcp://127.0.0.1:{sock.getsockname()[1]}"

    yield start
    for sock, stop, thread in servers:
        stop.set()
        thread.join(5)
        sock.close()


@pytest.mark.parametrize("answer", [b"HTTP/1.0 200 OK\r\n\r\n" + b"\xff" * 64, None])
def test_a_server_that_is_no_dask_scheduler_is_a_located_error(
    answer, fake_server, tmp_path, monkeypatch
):
    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT_S", 2.0)
    address = fake_server(answer)
    ran = cli("screen", _leads(tmp_path, 2), "--engine", "dask", "--scheduler", address)
    assert ran.code == 2, ran.text
    assert "cannot connect to a Dask scheduler" in ran.err and "within 2 s" in ran.err


# --- outputs never overwrite an input ----------------------------------------------------------


def test_an_output_that_is_an_input_is_refused(tmp_path):
    leads = _leads(tmp_path, 3)
    before = leads.read_bytes()
    os.link(leads, tmp_path / "hard.csv")
    (tmp_path / "sub").mkdir()
    spellings = [
        leads,
        tmp_path / "sub" / ".." / "leads.csv",
        tmp_path / "new" / ".." / "leads.csv",  # a folder the writer would create
        tmp_path / "hard.csv",
    ]
    for out in spellings:
        for option in ("--out", "--map"):
            ran = cli("screen", leads, option, out)
            assert ran.code == 2 and "is the input file" in ran.err, (out, ran.text)
    ran = cli("assign", leads, "--out", tmp_path / "sub" / ".." / "hard.csv")
    assert ran.code == 2
    case = with_id(CASE2, "x", tmp_path / "case.toml")
    assert cli("rank", case, "--json", case).code == 2
    assert cli("sweep", case, "--vary", "needs.power_mw=2:4:2", "--chart", case).code == 2
    assert leads.read_bytes() == before
    assert not (tmp_path / "new").exists()


def test_an_output_that_is_a_symbolic_link_is_not_followed(tmp_path):
    leads = _leads(tmp_path, 3)
    target = tmp_path / "elsewhere.csv"
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    ran = cli("screen", leads, "--out", link)
    assert ran.code == 2 and "symbolic link" in ran.err
    assert not target.exists() and link.is_symlink()
