// F1 on the device: the ChaCha8 keystream (key 0x01 ‖ plot id[0..<31], zero nonce) cut
// into k-bit pieces. OpenCL C 1.2.

#define ROTL32(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QUARTER(a, b, c, d) \
    a += b; d = ROTL32(d ^ a, 16); \
    c += d; b = ROTL32(b ^ c, 12); \
    a += b; d = ROTL32(d ^ a, 8);  \
    c += d; b = ROTL32(b ^ c, 7);

static inline uint byte_swap32(uint v) {
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

// Keystream blocks first_block + i, one per work item, as eight big-endian 64-bit words
// each: bit j of the block is bit 63 - j % 64 of word j / 64.
__kernel void chacha8_blocks(__constant const uint *key, ulong first_block, uint block_count,
                             __global ulong *stream) {
    uint i = get_global_id(0);
    if (i >= block_count) return;
    ulong counter = first_block + i;
    uint c0 = 0x61707865u, c1 = 0x3320646Eu, c2 = 0x79622D32u, c3 = 0x6B206574u;
    uint n0 = (uint)counter, n1 = (uint)(counter >> 32);
    uint x0 = c0, x1 = c1, x2 = c2, x3 = c3;
    uint x4 = key[0], x5 = key[1], x6 = key[2], x7 = key[3];
    uint x8 = key[4], x9 = key[5], x10 = key[6], x11 = key[7];
    uint x12 = n0, x13 = n1, x14 = 0, x15 = 0;
    for (int round = 0; round < 4; round++) {
        QUARTER(x0, x4, x8, x12)
        QUARTER(x1, x5, x9, x13)
        QUARTER(x2, x6, x10, x14)
        QUARTER(x3, x7, x11, x15)
        QUARTER(x0, x5, x10, x15)
        QUARTER(x1, x6, x11, x12)
        QUARTER(x2, x7, x8, x13)
        QUARTER(x3, x4, x9, x14)
    }
    __global ulong *out = stream + (size_t)i * 8;
    out[0] = (ulong)byte_swap32(x0 + c0) << 32 | byte_swap32(x1 + c1);
    out[1] = (ulong)byte_swap32(x2 + c2) << 32 | byte_swap32(x3 + c3);
    out[2] = (ulong)byte_swap32(x4 + key[0]) << 32 | byte_swap32(x5 + key[1]);
    out[3] = (ulong)byte_swap32(x6 + key[2]) << 32 | byte_swap32(x7 + key[3]);
    out[4] = (ulong)byte_swap32(x8 + key[4]) << 32 | byte_swap32(x9 + key[5]);
    out[5] = (ulong)byte_swap32(x10 + key[6]) << 32 | byte_swap32(x11 + key[7]);
    out[6] = (ulong)byte_swap32(x12 + n0) << 32 | byte_swap32(x13 + n1);
    out[7] = (ulong)byte_swap32(x14) << 32 | byte_swap32(x15);
}

// f1(x) for x = start + i: the k keystream bits at bit x·k (counted from the first block
// in `stream`, which starts at bit first_bit of the keystream), then x's top 6 bits.
__kernel void f1_extract(ulong start, uint count, uint k, ulong first_bit,
                         __global const ulong *stream, __global ulong *ys) {
    uint i = get_global_id(0);
    if (i >= count) return;
    ulong x = start + i;
    ulong bit = x * k - first_bit;
    ulong word = bit >> 6;
    uint shift = (uint)(bit & 63);
    ulong bits = stream[word] << shift;
    if (shift != 0 && shift + k > 64) bits |= stream[word + 1] >> (64 - shift);
    ys[i] = (bits >> (64 - k)) << 6 | x >> (k - 6);
}
