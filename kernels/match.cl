// Matching on the device: entry L of kBC group g and entry R of group g + 1 match when
// (b_R - b_L) mod kB = m < 64 and (c_R - c_L) mod kC = (2m + parity(g))² mod kC, where
// b = (y mod kBC) / kC and c = (y mod kBC) mod kC. So each left entry has 64 target slots
// (y mod kBC values) in the next group, one per m. A bitmap of the occupied slots of every
// group answers most of the 64 probes; a hit is found in the y-sorted group by binary
// search, so matches come out by m, then right position: the CPU matcher's order.
// OpenCL C 1.2.

#define K_B 119u
#define K_C 127u
#define K_BC (K_B * K_C)
// Bitmap words per group: one bit per slot.
#define SLOT_WORDS ((K_BC + 31) / 32)

// Sets the bit of every entry's slot in its group's bitmap (the bitmaps start zeroed).
__kernel void match_slots(uint count, __global const ulong *y, __global const uint *group_of,
                          __global const ulong *group_id, __global uint *slots) {
    uint i = get_global_id(0);
    if (i >= count) return;
    uint g = group_of[i];
    uint slot = (uint)(y[i] - group_id[g] * K_BC);
    atomic_or(&slots[(size_t)g * SLOT_WORDS + slot / 32], 1u << (slot % 32));
}

// Target slot m of a left entry at slot l of a group with the given parity.
static inline uint target(uint l, uint parity, uint m) {
    uint t = 2 * m + parity;
    return ((l / K_C + m) % K_B) * K_C + (l % K_C + t * t) % K_C;
}

// The first index in [lo, hi) whose y is at least `value` (y ascending).
static inline uint lower_bound(__global const ulong *y, uint lo, uint hi, ulong value) {
    while (lo < hi) {
        uint mid = lo + (hi - lo) / 2;
        if (y[mid] < value) lo = mid + 1; else hi = mid;
    }
    return lo;
}

// Visits every match of left entry i in order; `emit` is a statement using `r`.
#define FOR_EACH_MATCH(i, emit) \
    uint g = group_of[i]; \
    if (g + 1 < groups && group_id[g + 1] == group_id[g] + 1) { \
        ulong base = group_id[g + 1] * K_BC; \
        uint l = (uint)(y[i] - group_id[g] * K_BC), parity = (uint)(group_id[g] & 1); \
        __global const uint *bitmap = slots + (size_t)(g + 1) * SLOT_WORDS; \
        uint lo = group_start[g + 1], hi = group_start[g + 2]; \
        for (uint m = 0; m < 64; m++) { \
            uint slot = target(l, parity, m); \
            if ((bitmap[slot / 32] >> (slot % 32) & 1) == 0) continue; \
            for (uint r = lower_bound(y, lo, hi, base + slot); r < hi && y[r] == base + slot; r++) { emit; } \
        } \
    }

// How many right entries each left entry matches.
__kernel void match_count(uint count, __global const ulong *y, __global const uint *group_of,
                          __global const ulong *group_id, __global const uint *group_start, uint groups,
                          __global const uint *slots, __global uint *matches) {
    uint i = get_global_id(0);
    if (i >= count) return;
    uint n = 0;
    FOR_EACH_MATCH(i, n++)
    matches[i] = n;
}

// The right entries each left entry matches, by m then position, from offsets[i] on.
__kernel void match_write(uint count, __global const ulong *y, __global const uint *group_of,
                          __global const ulong *group_id, __global const uint *group_start, uint groups,
                          __global const uint *slots, __global const uint *offsets, __global uint *right) {
    uint i = get_global_id(0);
    if (i >= count) return;
    uint at = offsets[i];
    FOR_EACH_MATCH(i, right[at++] = r)
}
