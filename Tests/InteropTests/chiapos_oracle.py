#!/usr/bin/env python3
"""chiapos oracle for the interop tests.

Reads JSON lines on stdin, each {"plot_id": hex, "k": int, "challenge": hex, "proof": hex},
and writes one JSON line per input: {"quality": hex} if chiapos 2.0.12's Verifier accepts the
proof, {"quality": null} if it rejects it. Exits 3 if chiapos cannot be imported.
"""
import json
import sys

try:
    from chiapos import Verifier
except ImportError as error:
    print(f"chiapos_oracle: cannot import chiapos ({error}); run `tools/setup --test` "
          "(or `pip install chiapos==2.0.12`)", file=sys.stderr)
    sys.exit(3)


def main() -> int:
    verifier = Verifier()
    out = sys.stdout
    for number, line in enumerate(sys.stdin, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            case = json.loads(line)
            plot_id = bytes.fromhex(case["plot_id"])
            k = int(case["k"])
            challenge = bytes.fromhex(case["challenge"])
            proof = bytes.fromhex(case["proof"])
        except (ValueError, KeyError, TypeError) as error:
            print(f"chiapos_oracle: line {number}: bad input ({error})", file=sys.stderr)
            return 2
        quality = verifier.validate_proof(plot_id, k, challenge, proof)
        out.write(json.dumps({"quality": None if quality is None else bytes(quality).hex()}))
        out.write("\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
