#!/usr/bin/env python3
"""Chia's signage-point rules, written out independently of the farmer, for FarmerTests.

Reads one JSON object a line on stdin and writes one a line on stdout.
Input: plot_id, k, challenge_hash, sp_hash, filter_bits, difficulty, sub_slot_iters, qualities
(list of hex quality strings) and the optional difficulty_constant_factor, cc_sp_output_hash,
prev_transaction_block_height, hard_fork2_height.
Output: passes (bool), challenge (hex), sp_interval_iters, phase_out, required_iters (one per quality).
The formulas follow chia-blockchain: passes_plot_filter, calculate_pos_challenge,
calculate_sp_interval_iters, calculate_phase_out and calculate_iterations_quality.
"""
import hashlib
import json
import sys

PHASE_OUT_PERIOD = 10_000_000


def sha256(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def answer(q):
    plot_id = bytes.fromhex(q["plot_id"])
    challenge_hash = bytes.fromhex(q["challenge_hash"])
    sp_hash = bytes.fromhex(q["sp_hash"])
    cc_sp = bytes.fromhex(q.get("cc_sp_output_hash") or q["sp_hash"])
    k = q["k"]
    dcf = int(q.get("difficulty_constant_factor", 2**67))
    filter_input = sha256(plot_id, challenge_hash, sp_hash)
    bits = q["filter_bits"]
    passes = int.from_bytes(filter_input, "big") >> (256 - bits) == 0 if bits > 0 else True
    sp_interval = q["sub_slot_iters"] // 64
    phase_out = 0
    if "prev_transaction_block_height" in q:
        height, fork = q["prev_transaction_block_height"], q["hard_fork2_height"]
        if height > fork:
            phase_out = min(sp_interval, (height - fork) * sp_interval // PHASE_OUT_PERIOD)
    expected_size = (2 * k + 1) * 2 ** (k - 1)
    iters = []
    for quality in q["qualities"]:
        h = int.from_bytes(sha256(bytes.fromhex(quality), cc_sp), "big")
        value = q["difficulty"] * dcf * h // (2**256 * expected_size) + phase_out
        iters.append(max(1, min(value, 2**64 - 1)))
    return {"passes": passes, "challenge": sha256(filter_input).hex(), "sp_interval_iters": sp_interval,
            "phase_out": phase_out, "required_iters": iters}


for line in sys.stdin:
    if line.strip():
        print(json.dumps(answer(json.loads(line))))
