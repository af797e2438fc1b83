// Matching on the device: entry L of kBC group g and entry R of group g + 1 match when
// (b_R - b_L) mod kB = m < 64 and (c_R - c_L) mod kC = (2m + parity(g))² mod kC, where
// b = (y mod kBC) / kC and c = (y mod kBC) mod kC. One work item per left entry, scanning
// the next group. OpenCL C 1.2.

#define K_B 119UL
#define K_C 127UL
#define K_BC (K_B * K_C)

static inline int is_match(ulong y_left, ulong y_right) {
    ulong group = y_left / K_BC;
    if (y_right / K_BC != group + 1) return 0;
    ulong l = y_left % K_BC, r = y_right % K_BC;
    ulong m = (r / K_C + K_B - l / K_C) % K_B;
    if (m >= 64) return 0;
    ulong t = 2 * m + (group & 1);
    return (r % K_C + K_C - l % K_C) % K_C == (t * t) % K_C;
}

// The entries of the group after entry i's group: [next_start, next_end) from the group
// table (group_start has one more element than there are groups).
static inline void next_group(uint i, __global const uint *group_of, __global const uint *group_start,
                              uint groups, uint *start, uint *end) {
    uint g = group_of[i];
    *start = g + 1 < groups ? group_start[g + 1] : 0;
    *end = g + 1 < groups ? group_start[g + 2] : 0;
}

// How many right entries each left entry matches.
__kernel void match_count(uint count, __global const ulong *y, __global const uint *group_of,
                          __global const uint *group_start, uint groups, __global uint *matches) {
    uint i = get_global_id(0);
    if (i >= count) return;
    uint start, end;
    next_group(i, group_of, group_start, groups, &start, &end);
    uint n = 0;
    for (uint r = start; r < end; r++) n += is_match(y[i], y[r]);
    matches[i] = n;
}

// The right entries each left entry matches, ascending, from offsets[i] on.
__kernel void match_write(uint count, __global const ulong *y, __global const uint *group_of,
                          __global const uint *group_start, uint groups, __global const uint *offsets,
                          __global uint *right) {
    uint i = get_global_id(0);
    if (i >= count) return;
    uint start, end;
    next_group(i, group_of, group_start, groups, &start, &end);
    uint at = offsets[i];
    for (uint r = start; r < end; r++) {
        if (is_match(y[i], y[r])) right[at++] = r;
    }
}
