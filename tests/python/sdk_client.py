"""Prompts, resources and completions from the official MCP Python SDK.

Starts the server binary given as the first argument on the demo tenant
(`--demo serve`, over stdio; with `--http`, `--demo serve --http` on a free
port) and exercises what tests/mcp_prompts.rs checks with rmcp's client, so
that a second, independent client implementation agrees. Exits non-zero
with the reason on any failure.

    python -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
    .venv/bin/python tests/python/sdk_client.py target/debug/connectwise-mcp [--http]

Over stdio it also calls the technician's-day tools with every toolset on
and writes allowed (a status changed by name, read back).

Not run by `cargo test`: it needs the network for pip (about 20 packages)
and a built binary; `.ci/run` runs it after the tests, both ways.
"""

import asyncio
import json
import os
import re
import subprocess
import sys

from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client


def check(condition, what):
    if not condition:
        raise SystemExit(f"FAILED: {what}")


async def exercise(session: ClientSession):
    init = session.initialize_result if hasattr(session, "initialize_result") else None
    caps = session.server_capabilities if hasattr(session, "server_capabilities") else None
    if callable(caps):
        caps = caps()
    if caps is not None:
        check(caps.prompts is not None and caps.resources is not None, f"capabilities: {caps}")
        check(caps.completions is not None, f"completions capability: {caps}")

    prompts = (await session.list_prompts()).prompts
    names = [p.name for p in prompts]
    check("my_day" in names and "close_out_ticket" in names, f"prompts/list: {names}")

    got = await session.get_prompt("customer_briefing", {"company": "ACME"})
    text = got.messages[0].content.text
    check("`cw_search_tickets`" in text, f"prompts/get names its tools: {text}")
    tools = {t.name for t in (await session.list_tools()).tools}
    for name in re.findall(r"^\d+\. `(cw_[a-z_]+)`", text, re.M):
        check(name in tools or "not enabled" in text, f"{name} is a tool of the session")

    templates = (await session.list_resource_templates()).resource_templates
    uris = [t.uri_template for t in templates]
    check("connectwise://service/tickets/{id}" in uris, f"resources/templates/list: {uris}")
    sheet = await session.read_resource("connectwise://docs/conditions")
    check("like" in sheet.contents[0].text, "the conditions cheat-sheet")
    ticket = await session.read_resource("connectwise://service/tickets/1")
    check(json.loads(ticket.contents[0].text).get("id") == 1, f"ticket 1: {ticket.contents[0].text[:200]}")

    boards = await session.complete(types.PromptReference(type="ref/prompt", name="triage_board"), {"name": "board", "value": "Serv"})
    check("Service Desk" in boards.completion.values, f"board completion: {boards.completion.values}")
    statuses = await session.complete(
        types.PromptReference(type="ref/prompt", name="triage_board"),
        {"name": "status", "value": ""},
        context_arguments={"board": "Service Desk"},
    )
    check("New" in statuses.completion.values, f"status completion: {statuses.completion.values}")
    ops = await session.complete(
        types.ResourceTemplateReference(type="ref/resource", uri="connectwise://api/operations/{operationId}"),
        {"name": "operationId", "value": "getServiceTicketsBy"},
    )
    check("getServiceTicketsById" in ops.completion.values, f"operationId completion: {ops.completion.values}")


def answer(result, what):
    text = "".join(c.text for c in result.content if getattr(c, "text", None) is not None)
    check(not result.is_error, f"{what}: {text[:300]}")
    return json.loads(text)


async def exercise_tools(session: ClientSession):
    """The technician's-day tools (every toolset on, writes allowed): a read
    from each of a few toolsets, a report, and a status change by name whose
    result is read back."""
    tools = {t.name for t in (await session.list_tools()).tools}
    for name in ["cw_list_work_roles", "cw_list_ticket_tasks", "cw_count_tickets", "cw_report_unbilled_time"]:
        check(name in tools, f"{name} is listed with every toolset on")
    answer(await session.call_tool("cw_list_work_roles", {}), "cw_list_work_roles")
    answer(await session.call_tool("cw_list_ticket_tasks", {"ticket_id": 1}), "cw_list_ticket_tasks")
    count = answer(await session.call_tool("cw_count_tickets", {"closed": False}), "cw_count_tickets")
    check(isinstance(count.get("count"), int), f"a count: {count}")
    answer(await session.call_tool("cw_report_unbilled_time", {}), "cw_report_unbilled_time")
    answer(await session.call_tool("cw_update_ticket", {"id": 1, "status": "in progress"}), "cw_update_ticket by status name")
    ticket = answer(await session.call_tool("cw_get_ticket", {"id": 1, "fields": "id,status/name"}), "cw_get_ticket")
    check("In Progress" in json.dumps(ticket), f"ticket 1 is In Progress: {ticket}")
    wrong = await session.call_tool("cw_update_ticket", {"id": 1, "status": "No Such Status"})
    check(wrong.is_error, "an unknown status name is refused")


async def over_stdio(binary):
    params = StdioServerParameters(command=binary, args=["--demo", "serve"], env=dict(os.environ))
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await exercise(session)
    everything = StdioServerParameters(
        command=binary, args=["--demo", "--toolsets", "all", "--allow-writes", "serve"], env=dict(os.environ)
    )
    async with stdio_client(everything) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await exercise_tools(session)


async def over_http(binary):
    server = subprocess.Popen(
        [binary, "--demo", "serve", "--http", "--bind", "127.0.0.1:0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        for line in server.stderr:
            found = re.search(r"listening on (\S+)", line)
            if found:
                url = found.group(1).rstrip("/") + "/mcp"
                break
        check(url is not None, "the HTTP server started")
        async with streamable_http_client(url) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                await session.initialize()
                await exercise(session)
    finally:
        server.kill()
        server.wait()


def main():
    binary = sys.argv[1]
    asyncio.run(over_http(binary) if "--http" in sys.argv else over_stdio(binary))
    print("ok")


if __name__ == "__main__":
    main()
