#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tracer overhead benchmark: each workload runs natively, under strace and
under renacer, interleaved in one run, N times each. Prints the median wall
time, the ratio to native, the renacer/strace ratio (the figure we track:
<= 1.0 means renacer is at least as fast), and the tracer's peak RSS.

usage: bench/run.py [--build build] [--runs 5] [--quick] [--markdown]
                    [--suite overhead,formats,analysis]

Suites: overhead (the table above), formats (the same 1M-syscall trace
written as text, JSON and CSV: the cost of each structured format as a ratio
to text), analysis (--stats-extended and --anomaly-realtime over 10M
synthetic events, bench/analysis_bench.c).

Peak RSS is the tracer's own VmHWM, sampled from /proc while it runs (the
traced program is a separate process and is not counted)."""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def measure(cmd, outdir):
    """Run cmd; return (seconds, tracer peak RSS in KiB)."""
    peak = [0]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=outdir)
    done = threading.Event()

    def sample():
        path = "/proc/%d/status" % p.pid
        while not done.is_set():
            try:
                with open(path) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak[0] = max(peak[0], int(line.split()[1]))
            except OSError:
                pass
            done.wait(0.005)

    th = threading.Thread(target=sample)
    th.start()
    rc = p.wait()
    dt = time.perf_counter() - t0
    done.set()
    th.join()
    if rc != 0:
        sys.exit("benchmark command failed (%d): %s" % (rc, " ".join(cmd)))
    return dt, peak[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="small workloads (smoke test)")
    ap.add_argument("--markdown", action="store_true")
    # bpf-startup: only the start-up table (bpf-stream ends with it)
    ap.add_argument("--suite", default="overhead,formats,analysis,ml,source,otlp,bpf,bpf-stream")
    a = ap.parse_args()
    suites = a.suite.split(",")
    for s in suites:
        if s not in ("overhead", "formats", "analysis", "ml", "source", "otlp", "bpf", "bpf-stream", "bpf-startup"):
            sys.exit("unknown suite '%s' (overhead, formats, analysis, ml, source, otlp, bpf, bpf-stream, "
                     "bpf-startup)" % s)
    if "overhead" in suites:
        overhead(a)
    if "formats" in suites:
        formats(a)
    if "analysis" in suites:
        analysis(a)
    if "ml" in suites:
        ml(a)
    if "source" in suites:
        source(a)
    if "otlp" in suites:
        otlp(a)
    if "bpf" in suites:
        bpf(a)
    if "bpf-stream" in suites:
        bpf_stream(a)
    elif "bpf-startup" in suites:
        startup(a)


def count_syscalls(renacer, cmd, extra):
    """The program's syscalls, counted by the bpf backend's -c."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "c")
        subprocess.run([renacer, "--backend", "bpf", "-c", "-o", out] + extra + ["--"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        for line in open(out):
            if line.rstrip().endswith("total"):
                return int(line.split()[3])
    return 0


def bpf_stream(a):
    """The full decoded trace written to a file: strace, the ptrace backend
    and the bpf event stream, ratios to native and the marginal cost per
    syscall ((traced - native) / syscalls); then start-up on /bin/true."""
    setup = bpf_setup(a, [], "bpf-stream", fork=False)
    if not setup:
        return
    renacer, w, workloads = setup
    tools = [("strace", lambda cmd, extra: ["strace", "-o", "s"] + extra + ["--"] + cmd),
             ("ptrace backend", lambda cmd, extra: [renacer, "--backend", "ptrace", "-o", "p"] + extra +
              ["--"] + cmd),
             ("bpf stream", lambda cmd, extra: [renacer, "--backend", "bpf", "-o", "b"] + extra + ["--"] + cmd)]
    names = [t[0] for t in tools]
    if a.markdown:
        print("\n| workload (full trace -o FILE) | syscalls | " +
              " | ".join("%s / native" % n for n in names) + " | bpf / strace | bpf us/syscall |")
        print("|---|---:|" + "---:|" * (len(names) + 2))
    with tempfile.TemporaryDirectory() as tmp:
        for wname, cmd, extra in workloads:
            nsys = count_syscalls(renacer, cmd, extra)
            n_, med = interleaved(a, cmd, extra, tools, tmp)
            per = (med["bpf stream"] - n_) / nsys * 1e6 if nsys else 0
            if a.markdown:
                print("| %s | %d | %s | **%.2f** | %.2f |" % (
                    wname, nsys, " | ".join("%.1f" % (med[n] / n_) for n in names),
                    med["bpf stream"] / med["strace"], per))
            else:
                print("bpf-stream %-32s native %.3fs %s  %.2f us/syscall" % (wname, n_, "  ".join(
                    "%s x%.2f" % (n, med[n] / n_) for n in names), per), flush=True)
    startup(a)


def startup(a):
    """Start-up: what tracing /bin/true adds, in milliseconds, runs 0.3 s
    apart; and the bpf backend back to back, where a run's attach waits for
    the previous run's unlinking (left to a helper process after it exits)."""
    renacer = os.path.join(os.path.abspath(a.build), "renacer")
    true = ["/bin/true"]
    variants = [("bpf -c", [renacer, "--backend", "bpf", "-c", "-o", "c", "--"] + true),
                ("bpf stream", [renacer, "--backend", "bpf", "-o", "b", "--"] + true),
                ("ptrace", [renacer, "--backend", "ptrace", "-o", "p", "--"] + true),
                ("strace", ["strace", "-o", "s", "--"] + true)]

    def median_ms(cmd, pause):
        v = []
        for _ in range(a.runs * 3):
            time.sleep(pause)
            v.append(measure(cmd, tmp)[0])
        return statistics.median(v) * 1e3

    with tempfile.TemporaryDirectory() as tmp:
        nat = median_ms(true, 0.3)
        res = {label: median_ms(cmd, 0.3) - nat for label, cmd in variants}
        b2b = {label: median_ms(cmd, 0) - nat for label, cmd in variants[:2]}
    if a.markdown:
        print("\n| start-up on /bin/true, ms over native | " + " | ".join(v[0] for v in variants) + " |")
        print("|---|" + "---:|" * len(variants))
        print("| runs 0.3 s apart | " + " | ".join("%.1f" % res[v[0]] for v in variants) + " |")
        print("| back to back | " + " | ".join("%.1f" % b2b[v[0]] if v[0] in b2b else "" for v in variants) + " |")
    else:
        print("start-up over native: " + "  ".join("%s %.1f ms" % (v[0], res[v[0]]) for v in variants) +
              "; back to back: " + "  ".join("%s %.1f ms" % (k, b2b[k]) for k in b2b))


def interleaved(a, cmd, extra, tools, tmp):
    """cmd natively and under each tool (name, make(cmd, extra)), one after
    the other, a.runs times: the median native time and each tool's."""
    nat, times = [], {n: [] for n, _ in tools}
    for _ in range(a.runs):
        nat.append(measure(cmd, tmp)[0])
        for n, mk in tools:
            times[n].append(measure(mk(cmd, extra), tmp)[0])
    return statistics.median(nat), {n: statistics.median(v) for n, v in times.items()}


def bpf_setup(a, opts, suite, fork):
    """renacer, the bench directory and the workloads of the eBPF suites,
    or None (said) when the backend is unavailable here."""
    b = os.path.abspath(a.build)
    renacer = os.path.join(b, "renacer")
    w = os.path.join(b, "bench")
    if subprocess.run([renacer, "--backend", "bpf"] + opts + ["-o", "/dev/null", "--", "true"]).returncode != 0:
        print("%s suite skipped: the bpf backend is unavailable here" % suite)
        return None
    scale = 10 if a.quick else 1
    workloads = [
        ("getppid loop", [w + "/getppid_loop", str(200000 // scale)], []),
        ("read/write loop", [w + "/rw_loop", str(50000 // scale)], []),
        ("tar -cf /dev/null /usr/include", ["tar", "-cf", "/dev/null", "/usr/include"], []),
    ]
    if fork:
        workloads.append(("fork loop", [w + "/fork_loop", str(1000 // scale)], ["-f"]))
    workloads.append(("4 threads, 400k getppid", [w + "/threads_loop", str(400000 // scale), "4"], ["-f"]))
    return renacer, w, workloads


def bpf(a):
    """-c counted in the kernel (--backend bpf) against strace -c, the ptrace
    backend, perf trace -s and a bpftrace one-liner (when installed), ratios
    to native, interleaved runs."""
    import shutil
    setup = bpf_setup(a, ["-c"], "bpf", fork=True)
    if not setup:
        return
    renacer, w, workloads = setup
    tools = [("strace -c", lambda cmd, extra: ["strace", "-c", "-o", "s"] + extra + ["--"] + cmd),
             ("ptrace backend", lambda cmd, extra: [renacer, "--backend", "ptrace", "-c", "-o", "p"] + extra +
              ["--"] + cmd),
             ("bpf backend", lambda cmd, extra: [renacer, "--backend", "bpf", "-c", "-o", "b"] + extra +
              ["--"] + cmd)]
    if shutil.which("perf") and subprocess.run(["perf", "trace", "-s", "-o", "/dev/null", "--", "true"],
                                               capture_output=True).returncode == 0:
        tools.append(("perf trace -s", lambda cmd, extra: ["perf", "trace", "-s", "-o", "pt"] + ["--"] + cmd))
    if shutil.which("bpftrace"):
        tools.append(("bpftrace", lambda cmd, extra: [
            "bpftrace", "-q", "-o", "bt", "-e",
            "tracepoint:raw_syscalls:sys_enter /pid == cpid/ { @[args->id] = count(); }",
            "-c", " ".join([shutil.which(cmd[0]) or cmd[0]] + cmd[1:])]))
    names = [t[0] for t in tools]
    if a.markdown:
        print("\n| workload (-c) | " + " | ".join("%s / native" % n for n in names) + " | bpf / strace |")
        print("|---|" + "---:|" * (len(names) + 1))
    with tempfile.TemporaryDirectory() as tmp:
        for wname, cmd, extra in workloads:
            n_, med = interleaved(a, cmd, extra, tools, tmp)
            if a.markdown:
                print("| %s | %s | **%.3f** |" % (wname, " | ".join("%.1f" % (med[n] / n_) for n in names),
                                                  med["bpf backend"] / med["strace -c"]))
            else:
                print("bpf %-32s native %.3fs %s" % (wname, n_, "  ".join(
                    "%s x%.1f" % (n, med[n] / n_) for n in names)), flush=True)
    if a.markdown:
        print("\n%d runs each, medians. The bpf backend's fixed cost is loading and attaching its\n"
              "programs (some 5 ms here); unlinking them happens after renacer has exited.\n"
              "bpftrace counts the main process only (pid == cpid); perf trace -s follows children.\n"
              % a.runs)
    marginal(a, renacer, w)


def marginal(a, renacer, w):
    """What each traced syscall costs, start-up taken out: 2M getppid calls
    natively, under two empty programs on the raw syscall tracepoints
    (bench/bpf_floor: the floor any eBPF syscall tracer built like renacer's
    backend pays), under two empty perf-event tracepoint programs (what a
    bpftrace tracepoint: probe costs), under renacer's -c and its event
    stream; (time - native - time on /bin/true) / calls."""
    import shutil
    n = 200000 if a.quick else 2000000
    loop = [w + "/getppid_loop", str(n)]
    variants = [("renacer bpf -c", lambda cmd: [renacer, "--backend", "bpf", "-c", "-o", "c", "--"] + cmd),
                ("renacer bpf stream -o FILE", lambda cmd: [renacer, "--backend", "bpf", "-o", "b", "--"] + cmd)]
    if shutil.which("bpftrace"):
        prog = "tracepoint:raw_syscalls:sys_enter /0/ { } tracepoint:raw_syscalls:sys_exit /0/ { }"
        variants.insert(0, ("2 empty perf-event tracepoint programs (bpftrace)",
                            lambda cmd: ["bpftrace", "-e", prog, "-c", " ".join(cmd)]))
    floor = os.path.join(w, "bpf_floor")
    if os.path.exists(floor):
        variants.insert(0, ("floor: 2 empty raw-tracepoint programs (bench/bpf_floor)",
                            lambda cmd: [floor] + cmd))
    with tempfile.TemporaryDirectory() as tmp:
        nat = statistics.median(measure(loop, tmp)[0] for _ in range(a.runs))
        rows = []
        for label, mk in variants:
            full = statistics.median(measure(mk(loop), tmp)[0] for _ in range(a.runs))
            true = statistics.median(measure(mk(["/bin/true"]), tmp)[0] for _ in range(a.runs))
            rows.append((label, (full - nat - true) / n * 1e9))
    if a.markdown:
        print("\n| %dk getppid calls | ns per syscall |\n|---|---:|" % (n // 1000))
        print("| the call itself (native) | %.0f |" % (nat / n * 1e9))
        for label, ns in rows:
            print("| %s | +%.0f |" % (label, ns))
        print()
    else:
        print("marginal: native %.0f ns/call; " % (nat / n * 1e9) +
              "  ".join("%s +%.0f ns" % r for r in rows), flush=True)


def formats(a):
    """The same trace written as text, JSON and CSV, interleaved runs."""
    b = os.path.abspath(a.build)
    renacer = os.path.join(b, "renacer")
    n = 100000 if a.quick else 1000000
    cmd = [os.path.join(b, "bench", "getppid_loop"), str(n)]
    variants = [("text -o", ["-o", "out"]), ("--format json -o", ["--format", "json", "-o", "out"]),
                ("--format csv -o", ["--format", "csv", "-o", "out"])]
    times = {v[0]: [] for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        native = statistics.median(measure(cmd, tmp)[0] for _ in range(a.runs))
        for _ in range(a.runs):
            for label, opts in variants:
                times[label].append(measure([renacer] + opts + ["--"] + cmd, tmp)[0])
    text = statistics.median(times["text -o"])
    if a.markdown:
        print("\n| getppid loop, %d syscalls | renacer / native | format / text |" % n)
        print("|---|---:|---:|")
    for label, _ in variants:
        m = statistics.median(times[label])
        if a.markdown:
            print("| %s | %.1f | **%.2f** |" % (label, m / native, m / text))
        else:
            print("formats %-20s %.3fs (x%.1f native)  %.2f of text" % (label, m, m / native, m / text),
                  flush=True)
    if a.markdown:
        print("\n%d runs each, medians.\n" % a.runs)


def analysis(a):
    """bench/analysis_bench: phases over synthetic events, medians."""
    b = os.path.abspath(a.build)
    n = 1000000 if a.quick else 10000000
    phases = {}
    for _ in range(a.runs):
        out = subprocess.run([os.path.join(b, "bench", "analysis_bench"), str(n)], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            k, v = line.split()
            if k != "events":
                phases.setdefault(k, []).append(float(v))
    if a.markdown:
        print("\n| %dM synthetic events | median seconds |" % (n // 1000000))
        print("|---|---:|")
    for k, v in phases.items():
        if a.markdown:
            print("| %s | %.3f |" % (k, statistics.median(v)))
        else:
            print("analysis %-20s %.3fs" % (k, statistics.median(v)), flush=True)
    if a.markdown:
        print("\n%d runs, medians.\n" % a.runs)


def ml(a):
    """bench/ml_bench: k-means + isolation forest over synthetic events, and
    a 2000 x 2000 correlation through OpenBLAS and the plain loop."""
    b = os.path.abspath(a.build)
    n = 1000000 if a.quick else 10000000
    d = 500 if a.quick else 2000
    phases = {}
    for _ in range(a.runs):
        out = subprocess.run([os.path.join(b, "bench", "ml_bench"), str(n), str(d)], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            k, v = line.split()
            phases.setdefault(k, []).append(float(v))
    med = {k: statistics.median(v) for k, v in phases.items()}
    if a.markdown:
        print("\n| %dM synthetic events | median seconds |" % (n // 1000000))
        print("|---|---:|")
        for k in ("store", "features", "kmeans", "iforest", "kmeans+iforest"):
            print("| %s | %.2f |" % (k, med[k]))
        print("\n| %d x %d correlation | seconds |\n|---|---:|" % (d, d))
        print("| OpenBLAS cblas_sgemm (%d threads) | %.3f |" % (med["blas_threads"], med["corr_blas"]))
        print("| plain C loop | %.3f |" % med["corr_loop"])
        print("| loop / OpenBLAS | **%.1fx** |" % (med["corr_loop"] / med["corr_blas"]))
        if "corr_gpu_compute" in med:
            print("| cuBLAS on the GPU: compute + transfers | %.3f + %.3f |" %
                  (med["corr_gpu_compute"], med["corr_gpu_transfer"]))
        print("\n%d runs, medians.\n" % a.runs)
    else:
        for k, v in med.items():
            print("ml %-20s %.3f" % (k, v), flush=True)


def overhead(a):
    b = os.path.abspath(a.build)
    renacer = os.path.join(b, "renacer")
    w = os.path.join(b, "bench")
    scale = 10 if a.quick else 1
    workloads = [
        ("getppid loop", [w + "/getppid_loop", str(200000 // scale)], []),
        ("read/write loop", [w + "/rw_loop", str(50000 // scale)], []),
        ("tar -cf /dev/null /usr/include", ["tar", "-cf", "/dev/null", "/usr/include"], []),
        ("fork loop", [w + "/fork_loop", str(1000 // scale)], ["-f"]),
    ]
    # (mode label, strace options, renacer options); -o paths are relative to a temp dir.
    modes = [
        ("-c", ["-c", "-o", "summary"], ["-c", "-o", "summary"]),
        ("full trace -o", ["-o", "trace"], ["-o", "trace"]),
        # With -f renacer pushes the filter down into the kernel (seccomp-bpf).
        ("-f -e trace=openat", ["-f", "-e", "trace=openat", "-o", "trace"],
         ["-f", "-e", "trace=openat", "-o", "trace"]),
        # strace's own push-down (it needs -f) against ours, for fairness.
        ("-f -e trace=openat, strace --seccomp-bpf", ["-f", "--seccomp-bpf", "-e", "trace=openat", "-o", "trace"],
         ["-f", "-e", "trace=openat", "-o", "trace"]),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for wname, cmd, extra in workloads:
            native = [measure(cmd, tmp)[0] for _ in range(a.runs)]
            nat = statistics.median(native)
            for mname, sopt, ropt in modes:
                st, rn, srss, rrss = [], [], [], []
                for _ in range(a.runs):
                    t, m = measure(["strace"] + extra + sopt + ["--"] + cmd, tmp)
                    st.append(t)
                    srss.append(m)
                    t, m = measure([renacer] + extra + ropt + ["--"] + cmd, tmp)
                    rn.append(t)
                    rrss.append(m)
                s, r = statistics.median(st), statistics.median(rn)
                rows.append((wname, mname, nat, s, r, max(srss), max(rrss)))
                if not a.markdown:
                    print("%-32s %-24s native %.3fs  strace %.3fs (x%.1f)  renacer %.3fs (x%.1f)  "
                          "renacer/strace %.2f  rss %d/%d KiB" % (wname, mname, nat, s, s / nat, r,
                                                                   r / nat, r / s, max(srss), max(rrss)),
                          flush=True)
    if a.markdown:
        print("| workload | mode | strace / native | renacer / native | renacer / strace | "
              "peak RSS strace | peak RSS renacer |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for wname, mname, nat, s, r, srss, rrss in rows:
            print("| %s | %s | %.1f | %.1f | **%.2f** | %d KiB | %d KiB |" % (
                wname, mname, s / nat, r / nat, r / s, srss, rrss))
        print()
        print("%d runs each, medians; %s, %d cores, kernel %s, strace %s." % (
            a.runs, platform.machine(), os.cpu_count(), platform.release(),
            subprocess.run(["strace", "-V"], capture_output=True, text=True).stdout.split()[3]))


if __name__ == "__main__":
    main()
