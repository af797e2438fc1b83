#!/usr/bin/env python3
"""Times chiapos's proof verifier over the bundled vectors (used by tools/bench-verify).

    bench_verify_chiapos.py [VECTORS] [--seconds S]

VECTORS defaults to vectors/chiapos/test_proofs_k21.txt (plot_id, k, challenge, proof, quality).
Every vector must verify to its quality first (exit 1 otherwise). Then Verifier().validate_proof
runs over all of them, after a warm-up, for about S seconds (default 2) in several rounds; the
result, the median microseconds per proof with the Python call included, is one JSON object
on stdout. Exits 3 if chiapos cannot be imported.
"""
import argparse
import json
import statistics
import sys
import time

try:
    from chiapos import Verifier
except ImportError as error:
    print(f"bench_verify_chiapos: cannot import chiapos ({error}); run `tools/setup --test` "
          "(or `pip install chiapos==2.0.12`)", file=sys.stderr)
    sys.exit(3)

ROUNDS = 9


def load(path):
    vectors = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            fields = [field.strip() for field in line.split(",")]
            if len(fields) != 5:
                sys.exit(f"bench_verify_chiapos: {path}:{number}: expected plot_id, k, challenge, proof, quality")
            plot_id, k, challenge, proof, quality = fields
            vectors.append((bytes.fromhex(plot_id), int(k), bytes.fromhex(challenge), bytes.fromhex(proof),
                            bytes.fromhex(quality)))
    if not vectors:
        sys.exit(f"bench_verify_chiapos: {path} holds no vectors")
    return vectors


def one_pass(validate, cases):
    valid = 0
    for plot_id, k, challenge, proof in cases:
        if validate(plot_id, k, challenge, proof) is not None:
            valid += 1
    return valid


def main():
    parser = argparse.ArgumentParser(description="Times chiapos Verifier().validate_proof.")
    parser.add_argument("vectors", nargs="?", default="vectors/chiapos/test_proofs_k21.txt")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    if not args.seconds > 0:
        parser.error("--seconds needs a positive number")

    vectors = load(args.vectors)
    verifier = Verifier()
    for i, (plot_id, k, challenge, proof, quality) in enumerate(vectors, start=1):
        got = verifier.validate_proof(plot_id, k, challenge, proof)
        if got is None or bytes(got) != quality:
            print(f"bench_verify_chiapos: vector {i} of {args.vectors} does not verify to its quality",
                  file=sys.stderr)
            return 1

    validate = verifier.validate_proof
    cases = [v[:4] for v in vectors]
    clock = time.perf_counter

    warm_up_end = clock() + args.seconds / 10
    while True:
        if one_pass(validate, cases) != len(cases):
            print("bench_verify_chiapos: a vector failed during the warm-up", file=sys.stderr)
            return 1
        if clock() >= warm_up_end:
            break

    per_proof = []
    slice_s = args.seconds / ROUNDS
    for _ in range(ROUNDS):
        proofs = 0
        start = clock()
        while True:
            if one_pass(validate, cases) != len(cases):
                print("bench_verify_chiapos: a vector failed while timing", file=sys.stderr)
                return 1
            proofs += len(cases)
            elapsed = clock() - start
            if elapsed >= slice_s:
                break
        per_proof.append(elapsed / proofs * 1e6)

    us = statistics.median(per_proof)
    try:
        from importlib.metadata import version
        chiapos_version = version("chiapos")
    except Exception:  # the version is informative only
        chiapos_version = "unknown"
    print(json.dumps({
        "proofs": len(cases),
        "k": cases[0][1],
        "seconds": args.seconds,
        "chiapos_version": chiapos_version,
        "chiapos_us_per_proof": round(us, 3),
        "chiapos_proofs_per_second": round(1e6 / us, 3),
        "chiapos_rounds": ROUNDS,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
