// Fx on the device: f_t(y_L, meta_L, meta_R) = the top k + 6 bits of the one-block BLAKE3
// of y_L ‖ meta_L ‖ meta_R (big-endian bits), with Chia's collation of the metadata passed
// on. OpenCL C 1.2.

#define ROTR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define G(a, b, c, d, x, y) \
    a = a + b + (x); d = ROTR32(d ^ a, 16); \
    c = c + d;       b = ROTR32(b ^ c, 12); \
    a = a + b + (y); d = ROTR32(d ^ a, 8);  \
    c = c + d;       b = ROTR32(b ^ c, 7);

// BLAKE3's message schedule: the word each of the 16 slots reads in rounds 0–6.
__constant uchar blake3_schedule[7][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8},
    {3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1},
    {10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6},
    {12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4},
    {9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7},
    {11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13},
};

static inline uint swap32(uint v) {
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

// Writes the low `count` bits of `value` at big-endian bit `offset` of `words`.
static inline void put_bits(ulong *words, uint offset, uint count, ulong value) {
    uint word = offset >> 6, shift = offset & 63;
    value &= count == 64 ? ~0UL : ((1UL << count) - 1);
    if (shift + count <= 64) {
        words[word] |= value << (64 - shift - count);
    } else {
        uint spill = shift + count - 64;
        words[word] |= value >> spill;
        words[word + 1] |= value << (64 - spill);
    }
}

// Reads `count` (≤ 64) bits at big-endian bit `offset` of `words`.
static inline ulong get_bits(const ulong *words, uint offset, uint count) {
    uint word = offset >> 6, shift = offset & 63;
    ulong bits = words[word] << shift;
    if (shift != 0 && shift + count > 64) bits |= words[word + 1] >> (64 - shift);
    return bits >> (64 - count);
}

// Metadata units (k-bit values) an entry of `table` carries.
static inline uint metadata_units(uint table) {
    switch (table) {
    case 1: return 1;
    case 2: return 2;
    case 3: case 4: return 4;
    case 5: return 3;
    case 6: return 2;
    default: return 0;
    }
}

// Pair i: y[i], left metadata meta[i·2u .. +u), right metadata meta[i·2u + u .. +u) with
// u = metadata_units(table - 1), a unit (k ≤ 32 bits) a uint. Writes the new y and
// metadata_units(table) collated units.
__kernel void fx(uint k, uint table, uint count, __global const ulong *y, __global const uint *meta,
                 __global ulong *out_y, __global uint *out_meta) {
    uint i = get_global_id(0);
    if (i >= count) return;
    uint in_units = metadata_units(table - 1), out_units = metadata_units(table);
    uint y_bits = k + 6;
    __global const uint *left = meta + (size_t)i * 2 * in_units;
    __global const uint *right = left + in_units;

    ulong stream[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    put_bits(stream, 0, y_bits, y[i]);
    uint offset = y_bits;
    for (uint u = 0; u < in_units; u++) { put_bits(stream, offset, k, left[u]); offset += k; }
    for (uint u = 0; u < in_units; u++) { put_bits(stream, offset, k, right[u]); offset += k; }
    uint length = (offset + 7) / 8;

    uint m[16];
    for (int w = 0; w < 8; w++) {
        m[2 * w] = swap32((uint)(stream[w] >> 32));
        m[2 * w + 1] = swap32((uint)stream[w]);
    }
    uint v0 = 0x6A09E667u, v1 = 0xBB67AE85u, v2 = 0x3C6EF372u, v3 = 0xA54FF53Au;
    uint v4 = 0x510E527Fu, v5 = 0x9B05688Cu, v6 = 0x1F83D9ABu, v7 = 0x5BE0CD19u;
    uint v8 = 0x6A09E667u, v9 = 0xBB67AE85u, v10 = 0x3C6EF372u, v11 = 0xA54FF53Au;
    uint v12 = 0, v13 = 0, v14 = length, v15 = 1 | 2 | 8;  // CHUNK_START | CHUNK_END | ROOT
    for (int r = 0; r < 7; r++) {
        __constant const uchar *s = blake3_schedule[r];
        G(v0, v4, v8, v12, m[s[0]], m[s[1]])
        G(v1, v5, v9, v13, m[s[2]], m[s[3]])
        G(v2, v6, v10, v14, m[s[4]], m[s[5]])
        G(v3, v7, v11, v15, m[s[6]], m[s[7]])
        G(v0, v5, v10, v15, m[s[8]], m[s[9]])
        G(v1, v6, v11, v12, m[s[10]], m[s[11]])
        G(v2, v7, v8, v13, m[s[12]], m[s[13]])
        G(v3, v4, v9, v14, m[s[14]], m[s[15]])
    }
    ulong digest[4];
    digest[0] = (ulong)swap32(v0 ^ v8) << 32 | swap32(v1 ^ v9);
    digest[1] = (ulong)swap32(v2 ^ v10) << 32 | swap32(v3 ^ v11);
    digest[2] = (ulong)swap32(v4 ^ v12) << 32 | swap32(v5 ^ v13);
    digest[3] = (ulong)swap32(v6 ^ v14) << 32 | swap32(v7 ^ v15);

    out_y[i] = digest[0] >> (64 - y_bits);
    __global uint *collated = out_meta + (size_t)i * out_units;
    if (table <= 3) {
        for (uint u = 0; u < in_units; u++) { collated[u] = left[u]; collated[in_units + u] = right[u]; }
    } else {
        for (uint u = 0; u < out_units; u++) collated[u] = (uint)get_bits(digest, y_bits + u * k, k);
    }
}
