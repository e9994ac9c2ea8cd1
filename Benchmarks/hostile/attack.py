#!/usr/bin/env python3
"""Hostile-input audit of a running `m2grl serve` over a real socket (python3 stdlib only).

Usage: attack.py PORT SERVER_PID [ATTACK ...]

Runs each attack while a well-behaved client keeps querying (TOPK by id on the I/O-loop path and
TOPK with names on the worker path), and prints one line per attack: what came back, whether the
connection was closed, the server's RSS before/after/peak, and the good client's latency (p50,
p99, max, failures) during the attack. See Benchmarks/hostile/README.md.
"""
import os, socket, struct, sys, threading, time

MAGIC = b"M2GR"
PORT = int(sys.argv[1])
PID = int(sys.argv[2])
ONLY = sys.argv[3:]
# Item keys of the `item` view (for heavy requests that must be valid): ITEM_IDS=path/to/views/item.ids
ITEM_KEYS = [int(x) for x in open(os.environ["ITEM_IDS"]).read().split()] if os.environ.get("ITEM_IDS") else list(range(1, 1400))
ERRORS = {1: "bad_magic", 2: "unsupported_version", 3: "frame_too_large", 4: "malformed_body", 5: "frame_timeout",
          16: "unsupported_message_type", 17: "unknown_view", 18: "unknown_item", 19: "invalid_argument",
          20: "too_many_in_flight", 21: "unauthorized", 22: "admin_disabled", 23: "reload_failed",
          24: "shutting_down", 25: "overloaded", 26: "internal_error", 27: "model_unavailable"}


def header(mtype, body_len, rid=1, flags=0, version=1, magic=MAGIC):
    return magic + struct.pack("<BBHQI", version, mtype, flags, rid, body_len)


def frame(mtype, body=b"", rid=1, flags=0, version=1):
    return header(mtype, len(body), rid, flags, version) + body


def s(text):
    raw = text if isinstance(text, bytes) else text.encode()
    return struct.pack("<H", len(raw)) + raw


def topk_ids(view, k, ids, exclude=(), count=None):
    return (s(view) + struct.pack("<IBI", k, 1, len(ids) if count is None else count)
            + b"".join(struct.pack("<q", i) for i in ids) + struct.pack("<I", len(exclude))
            + b"".join(struct.pack("<q", i) for i in exclude))


def topk_vec(view, k, vectors, dim, exclude=()):
    flat = [x for v in vectors for x in v]
    return (s(view) + struct.pack("<IBII", k, 2, len(vectors), dim) + struct.pack("<%df" % len(flat), *flat)
            + struct.pack("<I", len(exclude)) + b"".join(struct.pack("<q", i) for i in exclude))


def diverse(k, wi, wc, triggers, cats=(), items=()):
    return (struct.pack("<Iff I", k, wi, wc, len(triggers)).replace(b" ", b"")
            + b"".join(struct.pack("<q", t) for t in triggers) + struct.pack("<H", len(cats))
            + b"".join(s(c) for c in cats) + struct.pack("<I", len(items)) + b"".join(struct.pack("<q", i) for i in items))


def rss():
    try:
        with open("/proc/%d/status" % PID) as f:
            fields = dict(line.split(":", 1) for line in f)
        return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024
    except OSError:
        return -1, -1


def alive():
    return os.path.exists("/proc/%d" % PID) and rss()[0] >= 0


def connect():
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_frames(sock, timeout=2.0, want=None):
    """Reads frames until closed, `want` frames arrived, or timeout. Returns (frames, closed)."""
    sock.settimeout(0.05)
    buf = b""
    frames = []
    end = time.time() + timeout
    closed = False
    while time.time() < end and (want is None or len(frames) < want):
        try:
            chunk = sock.recv(1 << 20)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            closed = "reset"
            break
        if not chunk:
            closed = True
            break
        buf += chunk
        while len(buf) >= 20:
            _, _, mtype, flags, rid, n = struct.unpack("<4sBBHQI", buf[:20])
            if len(buf) < 20 + n:
                break
            frames.append((mtype, rid, buf[20:20 + n]))
            buf = buf[20 + n:]
    return frames, closed


def describe(frames):
    out = []
    for mtype, rid, body in frames[:4]:
        if mtype == 0x7F:
            code = struct.unpack("<H", body[:2])[0]
            (n,) = struct.unpack("<H", body[2:4])
            out.append("ERR %s(%d) id=%d %r" % (ERRORS.get(code, code), code, rid, body[4:4 + n][:70].decode("utf-8", "replace")))
        else:
            out.append("0x%02x id=%d %dB" % (mtype, rid, len(body)))
    if len(frames) > 4:
        out.append("... %d frames" % len(frames))
    return "; ".join(out) or "no frames"


def one_shot(data, timeout=2.0, want=None, shut=False):
    sock = connect()
    try:
        sock.sendall(data)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        frames, closed = read_frames(sock, timeout, want)
        return describe(frames) + (" | closed" if closed else " | open")
    finally:
        sock.close()


class GoodClient:
    """Queries continuously on two paths; records (time, latency, ok) per request."""

    def __init__(self):
        self.samples = []
        self.stop = False
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.loop, args=(flags,), daemon=True) for flags in (0, 1)]
        for t in self.threads:
            t.start()

    def loop(self, flags):
        rid = 0
        sock = None
        while not self.stop:
            rid += 1
            started = time.time()
            ok = False
            try:
                if sock is None:
                    sock = connect()
                sock.sendall(frame(0x05, topk_ids("item", 10, [50 + rid % 100]), rid=rid, flags=flags))
                frames, closed = read_frames(sock, 5.0, want=1)
                ok = len(frames) == 1 and frames[0][0] == 0x85 and frames[0][1] == rid
                if closed:
                    sock = None
            except OSError:
                sock = None
            with self.lock:
                self.samples.append((started, time.time() - started, ok, flags))
            time.sleep(0.005)

    def window(self, since, flags):
        with self.lock:
            picked = [(lat, ok) for t, lat, ok, f in self.samples if t >= since and f == flags]
        if not picked:
            return "no samples"
        lats = sorted(lat for lat, _ in picked)
        fails = sum(1 for _, ok in picked if not ok)
        pct = lambda p: lats[min(len(lats) - 1, int(p * len(lats)))] * 1000
        return "n=%d p50=%.2fms p99=%.1fms max=%.0fms fail=%d" % (len(lats), pct(0.5), pct(0.99), lats[-1] * 1000, fails)


ATTACKS = []


def attack(fn):
    ATTACKS.append(fn)
    return fn


# ---- framing --------------------------------------------------------------------------------
@attack
def truncated_header_then_close():
    sock = connect(); sock.sendall(MAGIC + b"\x01\x05"); sock.close(); return "sent 6 bytes, closed"

@attack
def bad_magic():
    return one_shot(b"GET / HTTP/1.1\r\n\r\n")

@attack
def version_0_and_2():
    return one_shot(frame(0x02, b"x", version=0)) + " // " + one_shot(frame(0x02, b"x", version=2))

@attack
def topk_body_length_0():
    return one_shot(frame(0x05, b"", rid=3))

@attack
def ping_body_exactly_max():
    return one_shot(frame(0x02, b"\xab" * 4194304, rid=4), timeout=5, want=1)

@attack
def length_max_plus_1():
    return one_shot(header(0x02, 4194305, rid=5) + b"abc")

@attack
def length_1GiB_and_4GiB():
    return one_shot(header(0x05, 1 << 30, rid=6) + b"a") + " // " + one_shot(header(0x05, 0xFFFFFFFF, rid=7))

@attack
def unknown_opcodes():
    data = b"".join(frame(t, b"zz", rid=100 + t) for t in (0x00, 0x07, 0x55, 0x7E, 0x7F, 0x81, 0x85, 0xFF))
    return one_shot(data + frame(0x02, b"still-here", rid=999), want=9)

@attack
def hello_bad_ranges():
    a = one_shot(frame(0x01, struct.pack("<HH", 2, 9) + s("x")))
    b = one_shot(frame(0x01, struct.pack("<HH", 5, 1) + s("x")))
    c = one_shot(frame(0x01, struct.pack("<HH", 1, 1) + b"\x05\x00\xff\xfe\xfd\xfc\xfb"))
    return "%s // %s // utf8: %s" % (a, b, c)

@attack
def info_stats_with_trailing_bytes():
    return one_shot(frame(0x03, b"x", rid=8)) + " // " + one_shot(frame(0x04, b"xy", rid=9))

# ---- TOPK values ----------------------------------------------------------------------------
def topk_both_paths(body, label=""):
    a = one_shot(frame(0x05, body, rid=11), want=1)
    b = one_shot(frame(0x05, body, rid=12, flags=1), want=1)
    return "loop: %s // worker: %s" % (a, b)

@attack
def wrong_dimension():
    return topk_both_paths(topk_vec("item", 5, [[0.1] * 127], 127))

@attack
def nan_vector():
    return topk_both_paths(topk_vec("item", 5, [[float("nan")] + [0.1] * 127], 128))

@attack
def inf_vector():
    return topk_both_paths(topk_vec("item", 5, [[0.1] * 127 + [float("inf")]], 128))

@attack
def huge_finite_vector():
    return topk_both_paths(topk_vec("item", 5, [[3.0e38] * 128], 128))

@attack
def k_0_1001_u32max():
    return " // ".join(topk_both_paths(topk_ids("item", k, [50])) for k in (0, 1001, 0xFFFFFFFF))

@attack
def k_max_on_small_view():
    return topk_both_paths(topk_ids("category", 1000, [0]))

@attack
def unknown_empty_invalid_utf8_view():
    return " // ".join(topk_both_paths(topk_ids(v, 5, [50])) for v in ("nope", "", b"\xff\xfe\x80"))

@attack
def view_name_65535_bytes():
    return topk_both_paths(topk_ids("a" * 65535, 5, [50]))

@attack
def empty_batch_and_1025():
    return topk_both_paths(topk_ids("item", 5, [])) + " // " + topk_both_paths(topk_ids("item", 5, [50] * 1025))

@attack
def count_u32max_short_body():
    return topk_both_paths(topk_ids("item", 5, [50], count=0xFFFFFFFF))

@attack
def vector_count_times_dim_overflow():
    body = s("item") + struct.pack("<IBII", 5, 2, 0xFFFFFFFF, 0xFFFFFFFF) + struct.pack("<I", 0)
    return topk_both_paths(body)

@attack
def unknown_query_kind():
    return topk_both_paths(s("item") + struct.pack("<IBI", 5, 9, 1) + struct.pack("<q", 50) + struct.pack("<I", 0))

@attack
def ids_that_do_not_exist():
    return " // ".join(topk_both_paths(topk_ids("item", 5, [i])) for i in (999999, -1, -(1 << 63)))

@attack
def exclude_500k_ids():
    return topk_both_paths(topk_ids("item", 10, [50], exclude=list(range(500000))))

# ---- DIVERSE ---------------------------------------------------------------------------------
def diverse_both(body):
    return one_shot(frame(0x06, body, rid=21), want=1, timeout=5)

@attack
def diverse_bad_weights():
    nan, inf = float("nan"), float("inf")
    return " // ".join(diverse_both(diverse(10, wi, wc, [50])) for wi, wc in ((nan, 1), (1, -inf), (3e38, 3e38), (-3e38, 1e-45)))

@attack
def diverse_bad_k_and_triggers():
    return " // ".join(diverse_both(b) for b in (diverse(0, 1, 1, [50]), diverse(5000, 1, 1, [50]), diverse(10, 1, 1, []),
                                                 diverse(10, 1, 1, [123456789]), diverse(10, 1, 1, [50] * 1025)))

@attack
def diverse_excluded_categories_hostile():
    cats = [b"\xff\xfe"]
    a = diverse_both(diverse(10, 1, -1, [50], cats=cats))
    b = diverse_both(diverse(10, 1, -1, [50], cats=["x" * 60] * 60000))
    c = diverse_both(diverse(1000, 1, -1, [50], cats=["Drama", "Comedy", "Action", "Thriller", "Romance"]))
    d = diverse_both(diverse(10, 1, 1, [50], items=list(range(-5, 400000))))
    return "utf8: %s // 60k cats: %s // exclude 5 big cats k1000: %s // 400k items: %s" % (a, b, c, d)

@attack
def diverse_count_lies():
    body = struct.pack("<IffI", 10, 1, 1, 1) + struct.pack("<q", 50) + struct.pack("<H", 65535) + s("x")
    return diverse_both(body)

# ---- admin -----------------------------------------------------------------------------------
@attack
def reload_without_token():
    return one_shot(frame(0x10, s("guess") + s("current"), rid=31), want=1)

@attack
def reload_with_token_hostile_targets():
    out = []
    for target in ("/etc", "/nonexistent", "../../..", "current", "/proc/self/fd/0"):
        out.append("%s: %s" % (target, one_shot(frame(0x10, s(os.environ.get("TOKEN", "tok")) + s(target), rid=32), want=1, timeout=15)))
    return " // ".join(out)

@attack
def reload_wrong_token():
    return one_shot(frame(0x10, s("wrong") + s("current"), rid=33), want=1)

@attack
def reload_flood_200():
    tok = os.environ.get("TOKEN", "tok")
    sock = connect()
    sock.sendall(b"".join(frame(0x10, s(tok) + s("current"), rid=1000 + i) for i in range(200)))
    frames, closed = read_frames(sock, 60, want=200)
    sock.close()
    kinds = {}
    for mtype, _, body in frames:
        key = "ok" if mtype == 0x90 else ERRORS.get(struct.unpack("<H", body[:2])[0])
        kinds[key] = kinds.get(key, 0) + 1
    return "%d replies %r" % (len(frames), kinds)

# ---- resource attacks ------------------------------------------------------------------------
@attack
def slowloris_1GiB_prefix_trickle():
    return one_shot(header(0x05, (1 << 30), rid=41) + b"\x00")

@attack
def slowloris_trickle_under_max():
    sock = connect()
    sock.sendall(header(0x02, 4000000, rid=42))
    started = time.time()
    closed = False
    frames = []
    while time.time() - started < 20 and not closed:
        try:
            sock.sendall(b"z")
        except OSError:
            closed = "send failed"
            break
        f, closed = read_frames(sock, 0.5)
        frames += f
    sock.close()
    return "%s | closed=%s after %.1fs" % (describe(frames), closed, time.time() - started)

@attack
def many_slowloris_4MiB_partial_frames():
    socks = []
    payload = header(0x02, 4194304, rid=43) + b"\x00" * (4194304 - 1)
    peak = 0
    for i in range(int(os.environ.get("SLOW_CONNS", "300"))):
        try:
            sock = connect()
            sock.sendall(payload)
            socks.append(sock)
        except OSError as e:
            break
        peak = max(peak, rss()[0])
    time.sleep(1)
    peak = max(peak, rss()[0])
    for sock in socks:
        sock.close()
    time.sleep(1)
    return "%d conns x 4MiB-1 stalled; RSS peak during=%d MiB, after close=%d MiB" % (len(socks), peak, rss()[0])

@attack
def never_reads_pipelined_ping():
    sock = connect()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(0.3)
    ping = frame(0x02, b"p" * 400000)
    sent = 0
    for _ in range(150):
        try:
            sock.sendall(ping); sent += 1
        except OSError:
            break
    r = rss()[0]
    sock.close()
    return "sent %d x 400KB before the server stopped reading; RSS %d MiB" % (sent, r)

@attack
def never_reads_heavy_topk():
    # 256 in-flight TOPK with batch 1024, k 1000, names: each reply is tens of MB.
    conns = int(os.environ.get("HEAVY_CONNS", "1"))
    socks = []
    body = topk_ids("item", 1000, [ITEM_KEYS[i % len(ITEM_KEYS)] for i in range(1024)])
    peak = 0
    for c in range(conns):
        sock = connect()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"".join(frame(0x05, body, rid=i, flags=1) for i in range(256)))
        socks.append(sock)
    started = time.time()
    while time.time() - started < 25:
        peak = max(peak, rss()[0])
        time.sleep(0.2)
    after = rss()[0]
    for sock in socks:
        sock.close()
    time.sleep(1)
    return "%d conn(s) x 256 heavy TOPK unread: RSS peak %d MiB, at 25s %d MiB, after close %d MiB" % (conns, peak, after, rss()[0])

@attack
def heavy_pipeline_reader_starvation():
    # A client that reads its replies but keeps 256 heavy worker requests queued at all times.
    stop = time.time() + 10
    body = topk_ids("item", 1000, [ITEM_KEYS[i % len(ITEM_KEYS)] for i in range(1024)])
    sock = connect()
    sock.sendall(b"".join(frame(0x05, body, rid=i) for i in range(256)))
    got, rid = 0, 256
    while time.time() < stop:
        frames, closed = read_frames(sock, 0.2)
        got += len(frames)
        if frames:
            sock.sendall(b"".join(frame(0x05, body, rid=rid + j) for j in range(len(frames))))
            rid += len(frames)
        if closed:
            break
    sock.close()
    return "heavy client got %d replies in 10 s" % got

@attack
def moderate_pipeline_starvation():
    # Batch 1024, k 10, no names: ≈ 127 KB replies, so backpressure alone lets ~32 sit in flight.
    stop = time.time() + 10
    body = topk_ids("item", 10, [ITEM_KEYS[i % len(ITEM_KEYS)] for i in range(1024)])
    conns = int(os.environ.get("MODERATE_CONNS", "1"))
    socks = [connect() for _ in range(conns)]
    for sock in socks:
        sock.sendall(b"".join(frame(0x05, body, rid=i) for i in range(256)))
    got, rid = 0, 256
    while time.time() < stop:
        for sock in socks:
            frames, closed = read_frames(sock, 0.05)
            got += len(frames)
            if frames:
                sock.sendall(b"".join(frame(0x05, body, rid=rid + j) for j in range(len(frames))))
                rid += len(frames)
    for sock in socks:
        sock.close()
    return "%d moderate client(s) got %d replies in 10 s" % (conns, got)

@attack
def diverse_pipeline_hog():
    # 256 DIVERSE requests of 1024 triggers, k 1000, names, read slowly for 10 s, then a hang-up.
    body = diverse(1000, 1, -1, [ITEM_KEYS[i % len(ITEM_KEYS)] for i in range(1024)])
    sock = connect()
    sock.sendall(b"".join(frame(0x06, body, rid=i, flags=1) for i in range(256)))
    got, stop, kinds = 0, time.time() + 10, {}
    while time.time() < stop:
        frames, closed = read_frames(sock, 0.5)
        got += len(frames)
        for mtype, _, reply in frames:
            key = "ok" if mtype == 0x86 else ERRORS.get(struct.unpack("<H", reply[:2])[0])
            kinds[key] = kinds.get(key, 0) + 1
        if closed:
            break
    sock.close()
    return "hog got %d DIVERSE replies %r in 10 s, then closed" % (got, kinds)

@attack
def three_thousand_connections():
    socks = []
    try:
        for _ in range(3000):
            socks.append(connect())
    except OSError as e:
        pass
    ok = 0
    for sock in socks[:3000:100]:
        sock.sendall(frame(0x02, b"hi", rid=7))
        f, _ = read_frames(sock, 2, want=1)
        ok += len(f) == 1 and f[0][0] == 0x82
    r = rss()[0]
    for sock in socks:
        sock.close()
    return "%d open, %d/30 sampled answered PONG, RSS %d MiB" % (len(socks), ok, r)

@attack
def over_connection_limit():
    socks = []
    refused = 0
    for _ in range(int(os.environ.get("OVER_CONNS", "4200"))):
        try:
            socks.append(connect())
        except OSError:
            refused += 1
            break
    time.sleep(0.5)
    overloaded = 0
    for sock in socks[-100:]:
        f, closed = read_frames(sock, 0.05)
        overloaded += bool(f) and f[0][0] == 0x7F
    for sock in socks:
        sock.close()
    return "%d connects; last 100: %d got overloaded" % (len(socks), overloaded)

@attack
def half_closed_after_request():
    return one_shot(frame(0x05, topk_ids("item", 5, [50]), rid=51) + frame(0x05, topk_ids("item", 5, [50]), rid=52, flags=1),
                    want=None, shut=True, timeout=3)

@attack
def pipelined_1000_in_one_write():
    data = b"".join(frame(0x05, topk_ids("item", 10, [1 + i % 1000]), rid=i, flags=i % 2) for i in range(1000))
    sock = connect()
    sock.sendall(data)
    frames, closed = read_frames(sock, 10, want=1000)
    sock.close()
    kinds = {}
    for mtype, _, body in frames:
        key = "ok" if mtype == 0x85 else ERRORS.get(struct.unpack("<H", body[:2])[0])
        kinds[key] = kinds.get(key, 0) + 1
    return "%d replies %r closed=%s" % (len(frames), kinds, closed)

@attack
def ping_0_length_and_rid_0():
    return one_shot(frame(0x02, b"", rid=0), want=1)


def main():
    good = GoodClient()
    time.sleep(1)
    for fn in ATTACKS:
        if ONLY and fn.__name__ not in ONLY:
            continue
        if not alive():
            print("SERVER DEAD before", fn.__name__)
            break
        before = rss()[0]
        started = time.time()
        try:
            result = fn()
        except Exception as e:  # noqa: BLE001 (the attack itself failing is data too)
            result = "attack raised %r" % (e,)
        time.sleep(0.2)
        after, peak = rss()
        print("== %s\n   observed: %s\n   rss: %d -> %d MiB (peak %d)  alive=%s\n   good loop-path: %s\n   good worker-path: %s"
              % (fn.__name__, result[:900], before, after, peak, alive(), good.window(started, 0), good.window(started, 1)),
              flush=True)
    good.stop = True


if __name__ == "__main__":
    main()
