#!/usr/bin/env python3
"""What the same questions cost a model from three ConnectWise MCP servers.

Starts one simulated tenant (`connectwise-mcp sim`), runs each server over MCP
stdio against it with the official Python MCP SDK, asks every question in
QUESTIONS once, and prints per question the size of the text a model reads:
bytes (UTF-8) and tokens (o200k_base). See README.md in this folder.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import anyio
import tiktoken
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORK = REPO / "target" / "compare"

# The simulator's demo credentials (src/sim/mod.rs, DEMO_*).
COMPANY_ID = "demo"
PUBLIC_KEY = "demoPublicKey01"
PRIVATE_KEY = "demoPrivateKey01"
CLIENT_ID = "6f1c1c36-0d3e-4b6a-9a39-2f4b8f7d5e10"
API_PATH = "/v4_6_release/apis/3.0"
# Who asks "my tickets" / "my time" (as benches/answers.rs).
ME = "JSmith"
# The published PyPI server this compares with (its own venv: its deps may
# conflict with the harness's).
PYPI_PACKAGE = "connectwise-mcp==0.1.0"

OURS, TS, PYPI = "ours", "ts", "pypi"
SERVER_TITLES = {
    OURS: "connectwise-mcp (ours)",
    TS: "selic/mcp-connectwise-psa 0.4.1 (TS)",
    PYPI: "connectwise-mcp 0.1.0 (PyPI)",
}

# A tool call: tool name, and its arguments given the tenant's facts.
Call = tuple[str, Callable[[dict], dict]]


@dataclass
class Question:
    ask: str
    # The call a model would make on each server; a server without a tool
    # for the question is left out.
    calls: dict[str, Call]
    # The four questions: the ones the totals are over.
    core: bool = False


QUESTIONS = [
    Question(
        "open tickets for ACME",
        {
            OURS: ("cw_search_tickets", lambda t: {"company": "ACME", "closed": False}),
            # Filters by company id or exact name; the id comes from its company search.
            TS: ("cw_search_tickets", lambda t: {"company_id": t["acme_id"], "open_only": True}),
            PYPI: ("get_open_tickets", lambda t: {"company_name": "ACME"}),
        },
        core=True,
    ),
    Question(
        "ticket 8 with its notes",
        {
            OURS: ("cw_get_ticket", lambda t: {"id": 8, "include_notes": True}),
            # At most note_count notes (default 10); 50 is its maximum.
            TS: ("cw_get_ticket", lambda t: {"ticket_id": 8, "note_count": 50}),
            PYPI: ("get_ticket", lambda t: {"ticket_id": 8}),
        },
        core=True,
    ),
    Question(
        'companies named "acme"',
        {
            OURS: ("cw_search_companies", lambda t: {"name_contains": "acme"}),
            TS: ("cw_search_companies", lambda t: {"name_contains": "acme"}),
            # Its search_companies has no name filter; get_company searches by name.
            PYPI: ("get_company", lambda t: {"company_name": "acme"}),
        },
        core=True,
    ),
    Question(
        f"{ME}'s time entries",
        {
            OURS: ("cw_search_time_entries", lambda t: {"member": ME}),
            # Only the acting member's (CW_MEMBER_IDENTIFIER).
            TS: ("cw_list_my_time", lambda t: {}),
            PYPI: ("get_time_entries", lambda t: {"tech_identifier": ME}),
        },
        core=True,
    ),
    Question(
        "my open tickets",
        {
            OURS: ("cw_my_tickets", lambda t: {"closed": False}),
            TS: ("cw_my_tickets", lambda t: {}),
            PYPI: ("get_open_tickets", lambda t: {"assigned_tech": ME}),
        },
    ),
    Question(
        "ACME's contacts",
        {
            OURS: ("cw_search_contacts", lambda t: {"company": "ACME"}),
            TS: ("cw_search_contacts", lambda t: {"company_id": t["acme_id"]}),
            PYPI: ("get_contacts", lambda t: {"company_name": "ACME"}),
        },
    ),
    Question(
        "ACME's configurations",
        {
            OURS: ("cw_search_configurations", lambda t: {"company": "ACME"}),
            TS: ("cw_list_configurations", lambda t: {"company_id": t["acme_id"]}),
            PYPI: ("get_configurations", lambda t: {"company_name": "ACME"}),
        },
    ),
]


@dataclass
class Answer:
    text: str
    is_error: bool


@dataclass
class Server:
    key: str
    command: str
    args: list[str]
    env: dict[str, str]
    answers: dict[str, Answer] = field(default_factory=dict)


# ---------------------------------------------------------------- simulator


class Simulator:
    """`connectwise-mcp sim` on a free loopback port, for the whole run."""

    def __init__(self, binary: Path, seed: int):
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.base = f"http://{self.host}{API_PATH}"
        log = open(WORK / "logs" / "sim.log", "w")
        self.process = subprocess.Popen(
            [str(binary), "sim", "--port", str(self.port), "--seed", str(seed)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def request(self, method: str, path: str, body: dict | None = None):
        auth = base64.b64encode(f"{COMPANY_ID}+{PUBLIC_KEY}:{PRIVATE_KEY}".encode()).decode()
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Basic {auth}",
                "clientId": CLIENT_ID,
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def wait_ready(self):
        deadline = time.monotonic() + 30
        while True:
            try:
                self.request("GET", "/system/info")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    sys.exit(f"the simulator did not start; see {WORK / 'logs' / 'sim.log'}")
                time.sleep(0.2)

    def facts(self) -> dict:
        """What a model would have looked up before asking (ids by name)."""
        conditions = urllib.parse.quote('identifier="ACME"')
        acme = self.request("GET", f"/company/companies?conditions={conditions}")
        return {"acme_id": acme[0]["id"]}

    def add_long_notes(self, ticket: int, count: int, chars: int):
        """Notes as long as real ones (pasted logs, e-mail threads), through the
        simulator's own REST API: its seed notes are one or two sentences."""
        line = "Checked the event log on ACME-FS01: disk warnings since Monday, "
        line += "VSS snapshots holding 40 GB; cleared old shadows, scheduled defrag. "
        for n in range(count):
            text = f"Update {n + 1}. " + (line * (chars // len(line) + 1))[:chars]
            # Every note is a discussion (public) or an internal note: alternate.
            kind = "internalAnalysisFlag" if n % 2 else "detailDescriptionFlag"
            self.request("POST", f"/service/tickets/{ticket}/notes", {"text": text, kind: True})

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ servers


def cw_env() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "CW_COMPANY_ID": COMPANY_ID,
        "CW_PUBLIC_KEY": PUBLIC_KEY,
        "CW_PRIVATE_KEY": PRIVATE_KEY,
        "CW_CLIENT_ID": CLIENT_ID,
        "CW_MEMBER_IDENTIFIER": ME,
    }


def ours(binary: Path, sim: Simulator) -> Server:
    env = cw_env() | {
        "CW_SITE": f"http://{sim.host}",
        "CW_SAVED_QUERIES_DB": ":memory:",
    }
    return Server(OURS, str(binary), ["serve"], env)


def ts(directory: Path, sim: Simulator) -> Server | None:
    entry = directory / "dist" / "index.js"
    if not entry.is_file():
        print(f"skipping the TypeScript server: no {entry} (see README.md)", file=sys.stderr)
        return None
    node = shutil.which("node")
    if node is None:
        print("skipping the TypeScript server: no node on PATH", file=sys.stderr)
        return None
    env = cw_env() | {
        "CW_SITE": sim.host,
        "COMPARE_SIM_HOST": sim.host,
        "NODE_OPTIONS": f"--import={(HERE / 'https_to_http.mjs').as_uri()}",
    }
    return Server(TS, node, [str(entry)], env)


def pypi(sim: Simulator) -> Server | None:
    venv = WORK / "venv-pypi"
    command = venv / "bin" / "connectwise-mcp"
    if not command.is_file():
        print(f"installing {PYPI_PACKAGE} into {venv}", file=sys.stderr)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", PYPI_PACKAGE], check=True)
        except subprocess.CalledProcessError as error:
            print(f"skipping the PyPI server: install failed ({error})", file=sys.stderr)
            return None
    env = cw_env() | {
        "CW_BASE_URL": sim.base,
        "MCP_TRANSPORT": "stdio",
        # Its default tier adds finance tools; the questions need none.
        "CW_TIER": "tech",
    }
    return Server(PYPI, str(command), [], env)


async def ask_all(server: Server, facts: dict, timeout: float):
    params = StdioServerParameters(command=server.command, args=server.args, env=server.env)
    with open(WORK / "logs" / f"{server.key}.log", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                with anyio.fail_after(timeout):
                    await session.initialize()
                for question in QUESTIONS:
                    call = question.calls.get(server.key)
                    if call is None:
                        continue
                    tool, arguments = call
                    with anyio.fail_after(timeout):
                        result = await session.call_tool(tool, arguments(facts))
                    server.answers[question.ask] = Answer(text_of(result), is_error(result))


def text_of(result) -> str:
    """The text a model reads: the result's text blocks, in order."""
    return "\n".join(block.text for block in result.content if getattr(block, "type", "") == "text")


def is_error(result) -> bool:
    return bool(getattr(result, "is_error", None) or getattr(result, "isError", None))


# ------------------------------------------------------------------ report


def encoding():
    """o200k_base, as tests/tool_budget.rs counts. tiktoken downloads its
    vocabulary on first use; offline, the copy tiktoken-rs ships in the cargo
    registry (the same file) is put in tiktoken's cache."""
    try:
        return tiktoken.get_encoding("o200k_base")
    except Exception:
        cache = WORK / "tiktoken-cache"
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
        registry = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo")) / "registry" / "src"
        copies = sorted(registry.glob("*/tiktoken-rs-*/assets/o200k_base.tiktoken"))
        if not copies:
            raise
        import hashlib

        url = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copy(copies[-1], cache / hashlib.sha1(url.encode()).hexdigest())
        return tiktoken.get_encoding("o200k_base")


def table(servers: list[Server]) -> str:
    enc = encoding()
    keys = [s.key for s in servers]
    others = [k for k in keys if k != OURS]
    by_key = {s.key: s for s in servers}

    def size(key: str, ask: str) -> tuple[int, int] | None:
        answer = by_key[key].answers.get(ask)
        if answer is None:
            return None
        return len(answer.text.encode()), len(enc.encode(answer.text, disallowed_special=()))

    header = ["question"]
    for k in keys:
        header += [f"{k} bytes", f"{k} tokens"]
    if OURS in keys and others:
        header += ["ours / smaller (bytes)", "ours / smaller (tokens)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    totals = {k: [0, 0] for k in keys + ["smaller"]}
    notes = []
    for question in QUESTIONS:
        row = [question.ask + ("" if question.core else " (extra)")]
        sizes = {k: size(k, question.ask) for k in keys}
        for k in keys:
            s = sizes[k]
            error = s is not None and by_key[k].answers[question.ask].is_error
            if error:
                notes.append(f"{k} answered “{question.ask}” with an error")
            row += ["—", "—"] if s is None else [f"{s[0]:,}" + (" (error)" if error else ""), f"{s[1]:,}"]
        theirs = [sizes[k] for k in others if sizes[k] is not None]
        if OURS in keys and others:
            if sizes[OURS] is not None and theirs:
                smaller = (min(t[0] for t in theirs), min(t[1] for t in theirs))
                row += [ratio(sizes[OURS][0], smaller[0]), ratio(sizes[OURS][1], smaller[1])]
                if question.core:
                    for i in (0, 1):
                        totals["smaller"][i] += smaller[i]
            else:
                row += ["—", "—"]
        if question.core:
            for k in keys:
                if sizes[k] is not None:
                    for i in (0, 1):
                        totals[k][i] += sizes[k][i]
        lines.append("| " + " | ".join(row) + " |")
    total = ["**total, the four core questions**"]
    for k in keys:
        total += [f"{totals[k][0]:,}", f"{totals[k][1]:,}"]
    if OURS in keys and others:
        total += [ratio(totals[OURS][0], totals["smaller"][0]),
                  ratio(totals[OURS][1], totals["smaller"][1])]
    lines.append("| " + " | ".join(total) + " |")
    legend = ["", "Servers: " + "; ".join(f"{k} = {SERVER_TITLES[k]}" for k in keys) + "."]
    if OURS in keys and others:
        legend.append("“smaller”: the smaller of the other servers' answers to the same question "
                      "(in the total: the sum of those per question).")
    return "\n".join(lines + legend + [f"Note: {n}." for n in notes])


def innermost(error: BaseException) -> str:
    """The errors a task group wraps, without the wrapping."""
    if isinstance(error, BaseExceptionGroup):
        return "; ".join(innermost(e) for e in error.exceptions)
    return repr(error)


def ratio(ours_size: int, smaller: int) -> str:
    return f"{ours_size / smaller:.2f}×" if smaller else "—"


def save(servers: list[Server], directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    for server in servers:
        for number, question in enumerate(QUESTIONS, 1):
            answer = server.answers.get(question.ask)
            if answer is not None:
                name = f"{number}-{slug(question.ask)}.{server.key}.txt"
                (directory / name).write_text(answer.text)


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-").replace("--", "-")


def show(servers: list[Server]):
    for question in QUESTIONS:
        for server in servers:
            answer = server.answers.get(question.ask)
            if answer is not None:
                flag = " (error)" if answer.is_error else ""
                print(f"\n===== {question.ask} — {SERVER_TITLES[server.key]}{flag} =====\n{answer.text}")


# -------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", type=Path, required=True,
                        help="our server's binary (target/debug/connectwise-mcp); also runs the simulator")
    parser.add_argument("--ts", type=Path,
                        help="directory of a built selic/mcp-connectwise-psa (with dist/index.js)")
    parser.add_argument("--pypi", action="store_true",
                        help=f"compare with {PYPI_PACKAGE}, installed into target/compare/venv-pypi")
    parser.add_argument("--seed", type=int, default=1,
                        help="the simulated tenant's seed (1: as benches/answers.rs)")
    parser.add_argument("--long-notes", action="store_true",
                        help="first add six 2,000-character notes to ticket 8 through the simulator's REST API")
    parser.add_argument("--show", action="store_true", help="print every answer's text")
    parser.add_argument("--save", type=Path, help="write every answer's text into this directory")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per call")
    options = parser.parse_args()

    (WORK / "logs").mkdir(parents=True, exist_ok=True)
    binary = options.ours.resolve()
    sim = Simulator(binary, options.seed)
    try:
        if options.long_notes:
            sim.add_long_notes(ticket=8, count=6, chars=2000)
        facts = sim.facts()
        servers = [ours(binary, sim)]
        if options.ts:
            servers.append(ts(options.ts.resolve(), sim))
        if options.pypi:
            servers.append(pypi(sim))
        servers = [s for s in servers if s is not None]
        for server in list(servers):
            try:
                anyio.run(ask_all, server, facts, options.timeout)
            except Exception as error:  # a server that fails to start is reported, not fatal
                print(f"skipping {SERVER_TITLES[server.key]}: {innermost(error)}; see "
                      f"{WORK / 'logs' / (server.key + '.log')}", file=sys.stderr)
                servers.remove(server)
    finally:
        sim.stop()
    if options.show:
        show(servers)
        print()
    if options.save:
        save(servers, options.save)
    print(table(servers))


if __name__ == "__main__":
    main()
