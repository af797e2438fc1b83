#!/usr/bin/env python3
"""chiapos 2.0.12 as a plotting and proving oracle (for PlotterInteropTests and tools/bench-plot).

    chiapos_plot_oracle.py plot --k K --plot-id HEX --out DIR [--memo HEX] [--threads N]
                                [--buffer MIB] [--buckets N] [--stripe N]
        Plots with DiskPlotter into DIR (temporary files there too) and prints one JSON object:
        {"plot": PATH, "bytes": N, "seconds": S, "buffer_mib": ..., "buckets": ..., "stripe": ...}.
        chiapos's own progress output is discarded (its end goes to stderr if plotting fails;
        all of it with --verbose).
        Defaults: 1 thread, 100 MiB buffer, 32 buckets, stripe 4000 (enough for k 18-21);
        give a bigger buffer, more buckets and stripe 8192 for larger k.

    chiapos_plot_oracle.py prove PLOT --challenges FILE|- [--qualities-only]
        For each challenge (64 hex digits per line; blank lines and '#' lines skipped), prints
        the proofs DiskProver finds, one line each, as `plotter prove` does:
        'plot_id, k, challenge, proof, quality' (proof in proof ordering), or with
        --qualities-only 'plot_id, k, challenge, index, quality'.

    chiapos_plot_oracle.py bench PLOT --challenges FILE|- [--rounds R]
        Times DiskProver in process: each get_qualities_for_challenge call (one per challenge)
        and each get_full_proof call (one per proof), after one untimed warm-up pass, over R
        passes (default 1). Prints one JSON object with the median, p99 and mean of each, in
        milliseconds, and the counts.

Exits 3 if chiapos cannot be imported, 2 on bad input, 1 if chiapos fails.
"""
import argparse
import contextlib
import json
import math
import os
import statistics
import sys
import tempfile
import time

try:
    from chiapos import DiskPlotter, DiskProver
except ImportError as error:
    print(f"chiapos_plot_oracle: cannot import chiapos ({error}); run `tools/setup --test` "
          "(or `pip install chiapos==2.0.12`)", file=sys.stderr)
    sys.exit(3)


def fail(message, status=2):
    print(f"chiapos_plot_oracle: {message}", file=sys.stderr)
    sys.exit(status)


def hex_bytes(text, length, name):
    try:
        value = bytes.fromhex(text)
    except ValueError:
        value = None
    if value is None or (length is not None and len(value) != length):
        what = f"{2 * length} hex digits" if length is not None else "hex digits"
        fail(f"{name}: expected {what}, got '{text}'")
    return value


@contextlib.contextmanager
def stdout_redirected(verbose):
    """Sends file descriptor 1 (chiapos's C++ output included) to stderr, or to a temporary
    file whose last lines go to stderr if the block raises."""
    sys.stdout.flush()
    saved = os.dup(1)
    log = None if verbose else tempfile.TemporaryFile()
    target = os.dup(2) if verbose else os.dup(log.fileno())
    try:
        os.dup2(target, 1)
        yield
    except BaseException:
        if log is not None:
            os.dup2(saved, 1)
            log.seek(0)
            lines = log.read().decode(errors="replace").strip().splitlines()
            if lines:
                print("\n".join(["chiapos said:"] + lines[-10:]), file=sys.stderr)
        raise
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(target)
        if log is not None:
            log.close()


def plot(args):
    plot_id = hex_bytes(args.plot_id, 32, "--plot-id")
    memo = hex_bytes(args.memo, None, "--memo")
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    name = f"chiapos-k{args.k}-{plot_id.hex()}.plot"
    path = os.path.join(out, name)
    start = time.perf_counter()
    try:
        with stdout_redirected(args.verbose):
            DiskPlotter().create_plot_disk(out, out, out, name, args.k, memo, plot_id, args.buffer,
                                           args.buckets, args.stripe, args.threads, False)
    except Exception as error:  # chiapos raises RuntimeError (and others) from C++
        fail(f"DiskPlotter failed at k = {args.k}: {error}", 1)
    seconds = time.perf_counter() - start
    if not os.path.isfile(path):
        fail(f"DiskPlotter did not write {path}", 1)
    print(json.dumps({"plot": path, "bytes": os.path.getsize(path), "seconds": round(seconds, 3),
                      "k": args.k, "threads": args.threads, "buffer_mib": args.buffer,
                      "buckets": args.buckets, "stripe": args.stripe}))
    return 0


def read_challenges(source):
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as f:
                text = f.read()
    except OSError as error:
        fail(f"cannot read challenges from {source}: {error}")
    challenges = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        challenges.append(hex_bytes(line, 32, f"challenges line {number}"))
    return challenges


def open_prover(path):
    if not os.path.isfile(path):
        fail(f"no plot file at {path}")
    try:
        return DiskProver(path)
    except Exception as error:
        fail(f"DiskProver cannot open {path}: {error}", 1)


def prove(args):
    challenges = read_challenges(args.challenges)
    prover = open_prover(args.plot)
    prefix = f"{bytes(prover.get_id()).hex()}, {prover.get_size()}, "
    out = sys.stdout
    for challenge in challenges:
        qualities = prover.get_qualities_for_challenge(challenge)
        for index, quality in enumerate(qualities):
            if args.qualities_only:
                middle = str(index)
            else:
                middle = bytes(prover.get_full_proof(challenge, index)).hex()
            out.write(f"{prefix}{challenge.hex()}, {middle}, {bytes(quality).hex()}\n")
    out.flush()
    return 0


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(len(sorted_values) * fraction))
    return sorted_values[rank - 1]


def summary(samples):
    values = sorted(samples)
    if not values:
        return {"count": 0, "median_ms": None, "p99_ms": None, "mean_ms": None}
    return {"count": len(values), "median_ms": statistics.median(values) * 1e3,
            "p99_ms": percentile(values, 0.99) * 1e3, "mean_ms": statistics.fmean(values) * 1e3}


def bench(args):
    challenges = read_challenges(args.challenges)
    prover = open_prover(args.plot)
    clock = time.perf_counter
    # Warm-up: the plot's pages into the page cache, as for our side.
    counts = []
    for challenge in challenges:
        qualities = prover.get_qualities_for_challenge(challenge)
        counts.append(len(qualities))
        for index in range(len(qualities)):
            prover.get_full_proof(challenge, index)
    quality_times, proof_times = [], []
    for _ in range(args.rounds):
        for challenge, count in zip(challenges, counts):
            start = clock()
            prover.get_qualities_for_challenge(challenge)
            quality_times.append(clock() - start)
            for index in range(count):
                start = clock()
                prover.get_full_proof(challenge, index)
                proof_times.append(clock() - start)
    print(json.dumps({"challenges": len(challenges), "proofs": sum(counts), "rounds": args.rounds,
                      "quality": summary(quality_times), "full_proof": summary(proof_times)}))
    return 0


def main():
    parser = argparse.ArgumentParser(description="chiapos 2.0.12 as a plotting and proving oracle.")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("plot", help="create a plot with DiskPlotter")
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--plot-id", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--memo", default="")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--buffer", type=int, default=100, help="MiB")
    p.add_argument("--buckets", type=int, default=32)
    p.add_argument("--stripe", type=int, default=4000)
    p.add_argument("--verbose", action="store_true", help="show chiapos's output on stderr")
    p.set_defaults(run=plot)

    p = commands.add_parser("prove", help="print proofs as `plotter prove` does")
    p.add_argument("plot")
    p.add_argument("--challenges", required=True)
    p.add_argument("--qualities-only", action="store_true")
    p.set_defaults(run=prove)

    p = commands.add_parser("bench", help="time quality and full-proof lookups in process")
    p.add_argument("plot")
    p.add_argument("--challenges", required=True)
    p.add_argument("--rounds", type=int, default=1)
    p.set_defaults(run=bench)

    args = parser.parse_args()
    if getattr(args, "rounds", 1) < 1:
        parser.error("--rounds must be at least 1")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
