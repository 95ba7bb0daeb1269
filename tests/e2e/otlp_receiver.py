# SPDX-License-Identifier: MIT
"""A strict OTLP/HTTP JSON receiver for the tests: it accepts only
well-formed ExportTraceServiceRequest documents (OTLP JSON mapping: hex ids,
lowerCamelCase field names, typed AnyValues, 64-bit integers as strings or
numbers) and answers 400 to anything else, so a malformed export fails the
test instead of being stored."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX16 = re.compile(r"^[0-9a-f]{16}$")


class Invalid(Exception):
    pass


def _check(cond, what):
    if not cond:
        raise Invalid(what)


def _keys(obj, allowed, required, where):
    _check(isinstance(obj, dict), "%s: not an object" % where)
    extra = set(obj) - set(allowed)
    _check(not extra, "%s: unknown fields %s" % (where, sorted(extra)))
    missing = set(required) - set(obj)
    _check(not missing, "%s: missing %s" % (where, sorted(missing)))


def _uint64(v, where):
    if isinstance(v, str):
        _check(re.fullmatch(r"\d+", v) is not None, "%s: not a decimal string" % where)
        v = int(v)
    _check(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2 ** 64, "%s: not a uint64" % where)
    return v


def _any_value(v, where):
    kinds = ("stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue")
    _keys(v, kinds, (), where)
    _check(len(v) == 1, "%s: AnyValue needs exactly one field" % where)
    (k, x), = v.items()
    if k == "stringValue":
        _check(isinstance(x, str), where)
        return x
    if k == "boolValue":
        _check(isinstance(x, bool), where)
        return x
    if k == "intValue":
        if isinstance(x, str):
            _check(re.fullmatch(r"-?\d+", x) is not None, "%s: intValue" % where)
            x = int(x)
        _check(isinstance(x, int) and not isinstance(x, bool) and -2 ** 63 <= x < 2 ** 63, where)
        return x
    if k == "doubleValue":
        _check(isinstance(x, (int, float)) and not isinstance(x, bool), where)
        return float(x)
    raise Invalid("%s: %s not expected from renacer" % (where, k))


def _attributes(lst, where):
    _check(isinstance(lst, list), where)
    out = {}
    for i, kv in enumerate(lst):
        _keys(kv, ("key", "value"), ("key", "value"), "%s[%d]" % (where, i))
        _check(isinstance(kv["key"], str) and kv["key"], where)
        _check(kv["key"] not in out, "%s: duplicate key %s" % (where, kv["key"]))
        out[kv["key"]] = _any_value(kv["value"], "%s.%s" % (where, kv["key"]))
    return out


def parse_request(body):
    """Validate one request; return (resource attributes, [span dicts])."""
    doc = json.loads(body)
    _keys(doc, ("resourceSpans",), ("resourceSpans",), "request")
    spans, resources = [], []
    for r in doc["resourceSpans"]:
        _keys(r, ("resource", "scopeSpans", "schemaUrl"), ("resource", "scopeSpans"), "resourceSpans")
        _keys(r["resource"], ("attributes", "droppedAttributesCount"), ("attributes",), "resource")
        res = _attributes(r["resource"]["attributes"], "resource.attributes")
        resources.append(res)
        for ss in r["scopeSpans"]:
            _keys(ss, ("scope", "spans", "schemaUrl"), ("scope", "spans"), "scopeSpans")
            _keys(ss["scope"], ("name", "version", "attributes"), ("name",), "scope")
            for sp in ss["spans"]:
                _keys(sp, ("traceId", "spanId", "parentSpanId", "name", "kind", "startTimeUnixNano",
                           "endTimeUnixNano", "attributes", "status", "traceState", "events", "links", "flags"),
                      ("traceId", "spanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano"), "span")
                _check(HEX32.match(sp["traceId"]) and sp["traceId"] != "0" * 32, "traceId")
                _check(HEX16.match(sp["spanId"]) and sp["spanId"] != "0" * 16, "spanId")
                if "parentSpanId" in sp:
                    _check(HEX16.match(sp["parentSpanId"]) and sp["parentSpanId"] != "0" * 16, "parentSpanId")
                _check(isinstance(sp["name"], str) and sp["name"], "name")
                _check(sp["kind"] in (0, 1, 2, 3, 4, 5), "kind")
                start = _uint64(sp["startTimeUnixNano"], "startTimeUnixNano")
                end = _uint64(sp["endTimeUnixNano"], "endTimeUnixNano")
                _check(end >= start, "end before start")
                attrs = _attributes(sp.get("attributes", []), "span.attributes")
                if "status" in sp:
                    _keys(sp["status"], ("code", "message"), ("code",), "status")
                    _check(sp["status"]["code"] in (0, 1, 2), "status.code")
                spans.append(dict(sp, attrs=attrs, start=start, end=end, resource=res))
    return resources, spans


class Receiver:
    """Runs on 127.0.0.1 on a free port; mode "ok" answers 200, "503" always 503."""

    def __init__(self, mode="ok"):
        self.mode = mode
        self.spans, self.errors, self.requests = [], [], 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                owner.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if owner.mode == "503":
                    self.send_response(503)
                    self.end_headers()
                    return
                try:
                    _check(self.path == "/v1/traces", "path %s" % self.path)
                    _check(self.headers.get("Content-Type") == "application/json", "content type")
                    owner.headers = dict(self.headers)
                    _, spans = parse_request(body)
                    owner.spans.extend(spans)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except (Invalid, ValueError) as e:
                    owner.errors.append(str(e))
                    self.send_response(400)
                    self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *a):
        self.server.shutdown()
        self.server.server_close()
