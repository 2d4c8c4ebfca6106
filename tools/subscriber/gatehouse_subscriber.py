#!/usr/bin/env python3
"""Subscribe to a Gatehouse host's risk event stream and check it.

Connects a ZeroMQ SUB socket to the host's event endpoint, prints every event (a readable line,
or one JSON line with --json), validates each against the JSON Schema of its kind
(docs/events/schemas), checks that its topic matches it, follows each publisher's sequence numbers
to find dropped messages, and at exit writes a summary. The stream is documented in
docs/events.md.

Needs pyzmq and, unless --no-validate, jsonschema (Debian: python3-zmq, python3-jsonschema).
"""

import argparse
import collections
import datetime
import json
import math
import os
import re
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import strict_json  # noqa: E402

PROG = "gatehouse_subscriber"

KINDS = (
    "decision", "order", "fill", "state", "breach", "alert",
    "unwind", "deadman", "promotion", "operator", "heartbeat",
)
# Kinds published on risk.<kind>.<strategy>; every other kind on risk.<kind>.
STRATEGY_TOPIC_KINDS = ("decision", "order", "fill")
TOPIC_ROOT = "risk."

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_IDLE = 3

DEFAULT_ENDPOINT = "tcp://127.0.0.1:7100"
RECEIVE_HWM = 100_000
POLL_MS = 100
# Longest lists kept in the summary; the counts are always complete.
SUMMARY_LIST_LIMIT = 1000

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_SCHEMAS = REPO_ROOT / "docs" / "events" / "schemas"

_TCP_ENDPOINT = re.compile(r"^tcp://(?:[^;/\s]+;)?(\[[0-9A-Fa-f:.]+\]|[^:/\s\[\];]+):(\d{1,5})$")


class UsageError(Exception):
    """A problem with the command line or the environment, found before subscribing (exit 2)."""


def warn(message):
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Command line

def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Subscribe to a Gatehouse host's risk event stream (ZeroMQ SUB), print each event,\n"
            "validate it against docs/events/schemas, and detect dropped messages by seq.\n"
            "The stream is documented in docs/events.md."
        ),
        epilog=(
            "gap detection:\n"
            "  Every message of a publisher carries seq 1, 2, 3, ... (heartbeats included), so a\n"
            "  subscriber that receives everything sees a dropped message as a jump in seq. That\n"
            "  only works when the subscription covers every topic ('risk.', the default, or '').\n"
            "  A filtered subscription (e.g. --topic risk.decision.) sees seq jump by design and\n"
            "  cannot detect gaps by seq; subscribe to risk.heartbeat as well to get the host's\n"
            "  own 'dropped' counter (it is in the summary's last_heartbeat).\n"
            "  A first seq above 1 is a late join (ZeroMQ slow joiner), not a gap. A new\n"
            "  publisher_id is a host restart: its seq starts again.\n"
            "\n"
            "exit status:\n"
            "  0  stopped (--count, --until-host-stop, SIGINT/SIGTERM) with no gap and no invalid event\n"
            "  1  at least one gap or invalid event\n"
            "  2  usage error: bad option, bad endpoint, missing or broken schema files\n"
            "  3  --idle-timeout: nothing arrived for that long\n"
        ),
    )
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, metavar="ENDPOINT",
                        help=f"the host's event endpoint, tcp://host:port or ipc://path (default {DEFAULT_ENDPOINT})")
    parser.add_argument("--topic", action="append", dest="topics", metavar="PREFIX",
                        help="topic prefix to subscribe to; repeatable (default: risk., every event). "
                             "Examples: risk.decision. (all decisions), risk.decision.ema_majors "
                             "(one strategy's, and any strategy whose name starts so), risk.heartbeat")
    parser.add_argument("--schemas", metavar="DIR", default=None,
                        help=f"folder of <kind>.schema.json files (default: docs/events/schemas in this "
                             f"repository, {DEFAULT_SCHEMAS})")
    parser.add_argument("--no-validate", action="store_true",
                        help="do not validate events against the schemas nor check their topics "
                             "(a payload that is not a JSON object is still invalid)")
    parser.add_argument("--json", action="store_true",
                        help='print each event as one compact JSON line {"topic": ..., "event": {...}} '
                             '(an invalid one also gets "error"); default: one readable line per event')
    parser.add_argument("--count", type=int, metavar="N",
                        help="exit after N messages (invalid ones included)")
    parser.add_argument("--until-host-stop", action="store_true",
                        help="exit after a state event with data.kind 'host' and data.to 'STOPPED'")
    parser.add_argument("--idle-timeout", type=float, metavar="SECONDS",
                        help="exit with status 3 when nothing at all arrives for SECONDS (default: wait forever)")
    parser.add_argument("--ready-file", metavar="PATH",
                        help="create PATH (atomically) once the first message has arrived, proof that the "
                             "subscription is live; a PATH left from an earlier run is removed at start")
    parser.add_argument("--summary", metavar="PATH",
                        help="write a JSON summary to PATH at exit (atomically)")
    args = parser.parse_args(argv)

    if args.topics is None:
        args.topics = [TOPIC_ROOT]
    if args.count is not None and args.count < 1:
        parser.error(f"--count {args.count}: must be 1 or more")
    if args.idle_timeout is not None and not (math.isfinite(args.idle_timeout) and args.idle_timeout > 0):
        parser.error(f"--idle-timeout {args.idle_timeout}: must be a number of seconds above 0")
    return args


def check_endpoint(endpoint):
    if endpoint.startswith("tcp://"):
        match = _TCP_ENDPOINT.match(endpoint)
        if not match:
            raise UsageError(f"--endpoint {endpoint!r}: not a tcp endpoint of the form tcp://host:port "
                             f"(e.g. {DEFAULT_ENDPOINT})")
        port = int(match.group(2))
        if not 1 <= port <= 65535:
            raise UsageError(f"--endpoint {endpoint!r}: port {port} is not between 1 and 65535")
        host = match.group(1)
        if host == "*":
            raise UsageError(f"--endpoint {endpoint!r}: '*' is for binding; give the host's address "
                             f"(e.g. tcp://127.0.0.1:{port})")
        try:
            socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise UsageError(f"--endpoint {endpoint!r}: cannot resolve the host {host!r} ({reason})")
    elif endpoint.startswith("ipc://"):
        if len(endpoint) == len("ipc://"):
            raise UsageError(f"--endpoint {endpoint!r}: the ipc endpoint has no path (e.g. ipc:///tmp/gatehouse-events.sock)")
    elif endpoint.startswith("inproc://"):
        raise UsageError(f"--endpoint {endpoint!r}: inproc:// only reaches sockets inside one process; "
                         f"use the host's tcp:// or ipc:// endpoint (events.endpoint in its config)")
    else:
        raise UsageError(f"--endpoint {endpoint!r}: not a ZeroMQ endpoint (expected tcp://host:port or ipc://path)")


def check_output_path(option, path):
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {path}: the folder {folder} is not writable")
    if Path(path).is_dir():
        raise UsageError(f"{option} {path}: is a folder")


def covers_every_topic(topics):
    """Whether the subscription receives every event: some prefix of 'risk.' (or '')."""
    return any(TOPIC_ROOT.startswith(prefix) for prefix in topics)


# ---------------------------------------------------------------------------------------------
# Schemas and validation

def load_schemas(folder):
    """Validators by kind, from <kind>.schema.json files; every kind of KINDS must be there."""
    try:
        import jsonschema
    except ImportError:
        raise UsageError("validation needs the jsonschema module (Debian: python3-jsonschema); "
                         "run with /usr/bin/python3, install it, or pass --no-validate")
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"--schemas {folder}: no such folder (it should hold <kind>.schema.json files; "
                         f"pass --schemas DIR or --no-validate)")
    validators = {}
    missing = [kind for kind in KINDS if not (folder / f"{kind}.schema.json").is_file()]
    if len(missing) == len(KINDS):
        raise UsageError(f"--schemas {folder}: holds no <kind>.schema.json files "
                         f"(expected {KINDS[0]}.schema.json ... {KINDS[-1]}.schema.json)")
    if missing:
        names = ", ".join(f"{kind}.schema.json" for kind in missing)
        raise UsageError(f"--schemas {folder}: schema file missing for kind(s) {', '.join(missing)} ({names})")
    for path in sorted(folder.glob("*.schema.json")):
        kind = path.name[: -len(".schema.json")]
        try:
            with open(path, encoding="utf-8") as handle:
                schema = json.load(handle)
        except (OSError, ValueError) as error:
            raise UsageError(f"schema {path}: cannot be read as JSON ({error})")
        try:
            jsonschema.Draft7Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as error:
            raise UsageError(f"schema {path}: not a valid draft-07 JSON Schema ({error.message})")
        pinned = schema.get("properties", {}).get("kind", {}).get("const") if isinstance(schema, dict) else None
        if pinned != kind:
            raise UsageError(f"schema {path}: properties.kind.const is {pinned!r}, expected {kind!r} (from the file name)")
        validators[kind] = jsonschema.Draft7Validator(schema)
    return validators


def json_path(parts):
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(event)"


def schema_error(validator, event):
    """The most relevant validation error as text, or None when the event is valid."""
    import jsonschema
    error = jsonschema.exceptions.best_match(validator.iter_errors(event))
    if error is None:
        return None
    return f"{json_path(error.absolute_path)}: {error.message}"


def expected_topic(event):
    kind = event["kind"]
    if kind in STRATEGY_TOPIC_KINDS:
        return f"{TOPIC_ROOT}{kind}.{event['data']['strategy']}"
    return f"{TOPIC_ROOT}{kind}"


def parse_payload(raw):
    """The payload as a JSON object; raises ValueError naming what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"payload is not UTF-8 ({error})")
    try:
        value = strict_json.loads(text)
    except ValueError as error:
        raise ValueError(f"payload is not valid JSON ({error})")
    if not isinstance(value, dict):
        raise ValueError(f"payload is a JSON {type(value).__name__}, not an object")
    return value


# ---------------------------------------------------------------------------------------------
# Sequence tracking

class SequenceTracker:
    """Follows seq per publisher_id: the first message sets the expectation, then +1 each."""

    def __init__(self, report_gaps):
        self.report_gaps = report_gaps
        self.expected = {}          # publisher_id -> next expected seq
        self.publishers = []        # in order of first appearance
        self.late_joins = []        # [{"publisher_id", "first_seq"}]
        self.gaps = []
        self.gap_count = 0
        self.missing_total = 0

    def first_late_join(self):
        """The first seq of the first publisher seen, when above 1 (the subscriber joined late)."""
        if self.late_joins and self.late_joins[0]["publisher_id"] == self.publishers[0]:
            return self.late_joins[0]["first_seq"]
        return None

    def see(self, publisher_id, seq):
        """Returns a note for stderr, or None."""
        expected = self.expected.get(publisher_id)
        if expected is None:
            note = None
            if self.publishers:
                note = (f"new publisher_id {publisher_id} (was {self.publishers[-1]}): "
                        f"the host restarted, seq starts again at {seq}")
            self.publishers.append(publisher_id)
            if seq > 1:
                self.late_joins.append({"publisher_id": publisher_id, "first_seq": seq})
            self.expected[publisher_id] = seq + 1
            return note
        if seq == expected:
            self.expected[publisher_id] = seq + 1
            return None
        # Never move the expectation back: after a repeated or older seq, the next in line is
        # still the one expected.
        self.expected[publisher_id] = max(expected, seq + 1)
        if not self.report_gaps:
            return None
        missing = max(0, seq - expected)
        self.gap_count += 1
        self.missing_total += missing
        if len(self.gaps) < SUMMARY_LIST_LIMIT:
            self.gaps.append({"publisher_id": publisher_id, "expected": expected, "received": seq,
                              "missing": missing, "type": "gap" if seq > expected else "backwards"})
        if seq > expected:
            return f"gap: publisher {publisher_id} expected seq {expected}, received {seq} ({missing} missing)"
        return f"seq went backwards: publisher {publisher_id} expected seq {expected}, received {seq}"


# ---------------------------------------------------------------------------------------------
# Output

def fmt_num(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("0", "-0") else f"{value:.3g}"


def fmt_wall(ns):
    if isinstance(ns, int) and not isinstance(ns, bool) and ns > 0:
        try:
            moment = datetime.datetime.fromtimestamp(ns / 1e9, tz=datetime.timezone.utc)
            return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
        except (OverflowError, OSError, ValueError):
            pass
    return "--:--:--.---"


def describe(kind, d):
    """The most useful fields of an event's data, as one short text."""
    g = d.get
    n = lambda key: fmt_num(g(key))
    if kind == "decision":
        price = f" @{n('limit_price')}" if g("order_type") == "limit" else ""
        stop = f" stop {n('stop_loss_price')}" if g("stop_loss_price") not in (0, None) else ""
        extra = " reduce_only" if g("reduce_only") else ""
        origin = " (risk_unwind)" if g("origin") == "risk_unwind" else ""
        return (f"#{g('decision_id')} {g('verdict')} {g('reason')} {g('strategy')} {g('symbol')} "
                f"{g('side')} {g('order_type')} {n('requested_quantity')} -> {n('final_quantity')}"
                f"{price}{stop}{extra} {g('mode')}{origin}")
    if kind == "order":
        price = f" @{n('limit_price')}" if g("order_type") == "limit" else ""
        return (f"#{g('order_id')} {g('status')} {g('strategy')} {g('symbol')} {g('side')} "
                f"{n('quantity')} {g('order_type')}{price} {g('client_order_id')} {g('mode')}")
    if kind == "fill":
        return (f"#{g('fill_id')} order {g('order_id')} {g('strategy')} {g('symbol')} {g('side')} "
                f"{n('quantity')} @ {n('price')} fee {n('fee_usd')} USD {g('mode')}")
    if kind == "state":
        measured = ""
        if g("value") is not None or g("limit") is not None:
            measured = f" value={n('value')} limit={n('limit')}"
        return f"{g('kind')} {g('subject')}: {g('from')} -> {g('to')} ({g('reason')}){measured}"
    if kind == "breach":
        return f"{g('rule')} {g('subject')} value={n('value')} limit={n('limit')} {g('detail')}"
    if kind == "alert":
        return (f"{g('limit')} {g('subject')}: {g('previous_level')} -> {g('level')} "
                f"{n('usage_pct')}% ({n('value')} of {n('limit_value')})")
    if kind == "unwind":
        ranking = g("ranking") if isinstance(g("ranking"), list) else []
        orders = g("orders") if isinstance(g("orders"), list) else []
        flatten = [r.get("strategy") for r in ranking if isinstance(r, dict) and r.get("action") == "flatten"]
        return (f"#{g('unwind_id')} {g('rule')} drawdown {n('drawdown_pct')}% cap {n('cap_pct')}% "
                f"room {n('room_usd')} USD; flatten {','.join(map(str, flatten)) or 'none'}; {len(orders)} order(s)")
    if kind == "deadman":
        return (f"{g('level')} {n('elapsed_seconds')}/{n('period_seconds')} s "
                f"({n('elapsed_pct')}%)")
    if kind == "promotion":
        criteria = g("criteria") if isinstance(g("criteria"), list) else []
        passed = sum(1 for c in criteria if isinstance(c, dict) and c.get("passed") is True)
        verdict = "promoted" if g("promoted") else "not promoted"
        return (f"{g('strategy')} {g('from_mode')} -> {g('to_mode')}: {verdict} by {g('operator')} "
                f"({passed}/{len(criteria)} criteria passed) {g('reason')}")
    if kind == "operator":
        forced = " forced" if g("forced") else ""
        detail = f" {g('detail')}" if g("detail") else ""
        return f"{g('verb')} {g('subject')}{forced} by {g('operator')}: {g('outcome')} ({g('reason')}){detail}"
    if kind == "heartbeat":
        return (f"published={g('published')} dropped={g('dropped')} {g('trading_state')} "
                f"kill_switch={'on' if g('kill_switch') else 'off'} every {g('interval_ms')} ms")
    return json.dumps(d, separators=(",", ":"))[:200]


def summary_line(topic, event, error):
    seq = event.get("seq") if isinstance(event, dict) else None
    kind = event.get("kind") if isinstance(event, dict) else None
    data = event.get("data") if isinstance(event, dict) else None
    head = (f"{fmt_wall(event.get('wall_time_ns') if isinstance(event, dict) else None)} "
            f"{seq if seq is not None else '?':>7} {str(kind or '?'):<9} {topic if topic is not None else '?'}")
    if isinstance(data, dict):
        try:
            body = describe(kind, data)
        except Exception:  # a malformed event must not stop the subscriber
            body = json.dumps(data, separators=(",", ":"))[:200]
    else:
        body = ""
    line = f"{head}  {body}".rstrip()
    if error:
        line += f"  INVALID: {error}"
    return line


def write_atomically(path, text):
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.resolve().parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------------------------------------
# The subscriber

class Subscriber:
    def __init__(self, args, validators):
        self.args = args
        self.validators = validators      # None: --no-validate
        self.gap_detection = covers_every_topic(args.topics)
        self.tracker = SequenceTracker(self.gap_detection)
        self.received = 0
        self.by_kind = collections.Counter()
        self.by_topic_prefix = collections.Counter({prefix: 0 for prefix in args.topics})
        self.first_seq = None
        self.last_seq = None
        self.invalid = []
        self.invalid_count = 0
        self.last_heartbeat = None
        self.ready_written = False
        self.stop_reason = None
        self.stdout_ok = True

    # -- one message ------------------------------------------------------------------------

    def handle(self, frames):
        self.received += 1
        topic = None
        event = None
        raw_text = None
        error = None

        if frames:
            try:
                topic = frames[0].decode("utf-8")
            except UnicodeDecodeError as decode_error:
                topic = frames[0].decode("utf-8", "replace")
                error = f"topic is not UTF-8 ({decode_error})"
        if len(frames) != 2:
            error = error or f"expected 2 frames [topic, payload], got {len(frames)}"
        else:
            try:
                event = parse_payload(frames[1])
            except ValueError as parse_error:
                error = error or str(parse_error)
                raw_text = frames[1].decode("utf-8", "replace")[:2000]

        for prefix in self.args.topics:
            if topic is not None and topic.startswith(prefix):
                self.by_topic_prefix[prefix] += 1

        kind = event.get("kind") if event is not None else None
        kind_name = kind if isinstance(kind, str) else "(none)"
        self.by_kind[kind_name] += 1
        seq = event.get("seq") if event is not None else None
        if isinstance(seq, bool) or not isinstance(seq, int):
            seq = None
        data = event.get("data") if event is not None else None

        if event is not None and error is None and self.validators is not None:
            error = self.validate(topic, event, kind)

        if seq is not None:
            if self.first_seq is None:
                self.first_seq = seq
            self.last_seq = seq
            publisher_id = event.get("publisher_id")
            if isinstance(publisher_id, str):
                note = self.tracker.see(publisher_id, seq)
                if note:
                    warn(note)

        if kind == "heartbeat" and isinstance(data, dict):
            self.last_heartbeat = data

        if error is not None:
            self.invalid_count += 1
            if len(self.invalid) < SUMMARY_LIST_LIMIT:
                self.invalid.append({"seq": seq, "kind": kind if isinstance(kind, str) else None,
                                     "topic": topic, "error": error})
            warn(f"invalid event seq={seq if seq is not None else '?'} kind={kind_name} "
                 f"topic={topic!r}: {error}")

        self.emit(topic, event, raw_text, error)

        if not self.ready_written and self.args.ready_file:
            self.write_ready(topic, seq)

        if (self.args.until_host_stop and kind == "state" and isinstance(data, dict)
                and data.get("kind") == "host" and data.get("to") == "STOPPED"):
            self.stop_reason = "host_stop"
        elif self.args.count is not None and self.received >= self.args.count:
            self.stop_reason = "count"

    def validate(self, topic, event, kind):
        if not isinstance(kind, str):
            return "no kind: the event has no string 'kind'"
        validator = self.validators.get(kind)
        if validator is None:
            return f"unknown kind {kind!r} (no {kind}.schema.json in the schemas folder)"
        problem = schema_error(validator, event)
        if problem is not None:
            return problem
        expected = expected_topic(event)
        if topic != expected:
            return f"topic {topic!r} does not match the event: expected {expected!r}"
        return None

    def emit(self, topic, event, raw_text, error):
        if not self.stdout_ok:
            return
        if self.args.json:
            record = {"topic": topic, "event": event}
            if raw_text is not None:
                record["raw"] = raw_text
            if error is not None:
                record["error"] = error
            line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
        else:
            line = summary_line(topic, event, error)
        try:
            sys.stdout.buffer.write((line + "\n").encode("utf-8", "replace"))
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): stop printing, finish cleanly.
            self.stdout_ok = False
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            except OSError:
                pass
            self.stop_reason = self.stop_reason or "interrupted"

    def write_ready(self, topic, seq):
        content = json.dumps({"pid": os.getpid(), "endpoint": self.args.endpoint,
                              "first_topic": topic, "first_seq": seq,
                              "wall_time_ns": time.time_ns()}) + "\n"
        try:
            write_atomically(self.args.ready_file, content)
        except OSError as error:
            warn(f"--ready-file {self.args.ready_file}: cannot write it ({error})")
        self.ready_written = True

    # -- the whole run ---------------------------------------------------------------------

    def summary(self, exit_reason, exit_status):
        return {
            "received": self.received,
            "by_kind": dict(sorted(self.by_kind.items())),
            "by_topic_prefix": dict(self.by_topic_prefix),
            "publishers": list(self.tracker.publishers),
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "gap_detection": self.gap_detection,
            "gaps": self.tracker.gaps,
            "gap_count": self.tracker.gap_count,
            "missing_total": self.tracker.missing_total,
            "invalid": self.invalid,
            "invalid_count": self.invalid_count,
            "late_join_first_seq": self.tracker.first_late_join(),
            "late_joins": self.tracker.late_joins,
            "last_heartbeat": self.last_heartbeat,
            "endpoint": self.args.endpoint,
            "topics": list(self.args.topics),
            "validated": self.validators is not None,
            "exit_reason": exit_reason,
            "exit_status": exit_status,
        }

    def exit_status(self, exit_reason):
        if exit_reason == "idle_timeout":
            return EXIT_IDLE
        if self.tracker.gap_count or self.invalid_count:
            return EXIT_PROBLEMS
        return EXIT_OK

    def report(self, exit_reason, exit_status):
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.by_kind.items())) or "none"
        seqs = f"seq {self.first_seq}..{self.last_seq}" if self.first_seq is not None else "no seq"
        if self.gap_detection:
            gaps = (f"{self.tracker.gap_count} gap(s), {self.tracker.missing_total} missing"
                    if self.tracker.gap_count else "no gaps")
        else:
            gaps = "gaps not checked (filtered subscription)"
        dropped = ""
        if self.last_heartbeat is not None:
            dropped = f"; host dropped {self.last_heartbeat.get('dropped')} (last heartbeat)"
        late = "".join(f"; joined {join['publisher_id']} at seq {join['first_seq']}" for join in self.tracker.late_joins[:3])
        restarts = len(self.tracker.publishers) - 1
        restart_text = f"; {restarts} host restart(s)" if restarts > 0 else ""
        warn(f"{self.received} message(s) ({kinds}); {len(self.tracker.publishers)} publisher(s){restart_text}; "
             f"{seqs}{late}; {gaps}; {self.invalid_count} invalid{dropped}; "
             f"exit {exit_status} ({exit_reason})")


def run(args):
    check_endpoint(args.endpoint)
    for prefix in args.topics:
        if not (prefix.startswith(TOPIC_ROOT) or TOPIC_ROOT.startswith(prefix)):
            warn(f"--topic {prefix!r} does not start with {TOPIC_ROOT!r}: it will match no event")
    if args.ready_file:
        check_output_path("--ready-file", args.ready_file)
    if args.summary:
        check_output_path("--summary", args.summary)

    validators = None
    if not args.no_validate:
        validators = load_schemas(args.schemas if args.schemas is not None else DEFAULT_SCHEMAS)

    try:
        import zmq
    except ImportError:
        raise UsageError("needs the pyzmq module (Debian: python3-zmq); run with /usr/bin/python3 or install pyzmq")

    if args.ready_file and os.path.lexists(args.ready_file):
        os.unlink(args.ready_file)

    subscriber = Subscriber(args, validators)

    def on_signal(signum, frame):
        subscriber.stop_reason = subscriber.stop_reason or "interrupted"

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    context = zmq.Context()
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.RCVHWM, RECEIVE_HWM)
    for prefix in args.topics:
        sub.setsockopt(zmq.SUBSCRIBE, prefix.encode("utf-8"))
    try:
        sub.connect(args.endpoint)
    except zmq.ZMQError as error:
        sub.close(0)
        context.term()
        raise UsageError(f"--endpoint {args.endpoint!r}: cannot connect ({error})")

    poller = zmq.Poller()
    poller.register(sub, zmq.POLLIN)
    last_activity = time.monotonic()
    exit_reason = None
    try:
        while exit_reason is None:
            if subscriber.stop_reason:
                exit_reason = subscriber.stop_reason
                break
            try:
                ready = dict(poller.poll(POLL_MS))
            except zmq.ZMQError as error:
                if error.errno == zmq.EINTR:
                    continue
                raise
            if sub in ready:
                last_activity = time.monotonic()
                while subscriber.stop_reason is None:
                    try:
                        frames = sub.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    subscriber.handle(frames)
                continue
            if args.idle_timeout is not None and time.monotonic() - last_activity >= args.idle_timeout:
                exit_reason = "idle_timeout"
    finally:
        sub.close(0)
        context.term()

    status = subscriber.exit_status(exit_reason)
    if args.summary:
        try:
            write_atomically(args.summary, json.dumps(subscriber.summary(exit_reason, status), indent=2) + "\n")
        except OSError as error:
            warn(f"--summary {args.summary}: cannot write it ({error})")
    subscriber.report(exit_reason, status)
    return status


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run(args)
    except UsageError as error:
        warn(str(error))
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
