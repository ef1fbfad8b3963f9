"""Warp and block folds of a float32 register with shfl.sync.down (lane 0 ends with the warp's
value after a warp fold)."""

SHUFFLE_OFFSETS = (16, 8, 4, 2, 1)


def warp_fold_f32(reg, combine, tmp_b32="%bT", tmp_f32="%bF"):
    """reg := combine over the warp (valid in lane 0). `combine(dst, a, b)` returns the lines
    that set dst from a and b; here dst is reg, a its old value, b the shuffled-in one."""
    o = []
    for off in SHUFFLE_OFFSETS:
        o += [f"mov.b32 {tmp_b32}, {reg};", f"shfl.sync.down.b32 {tmp_b32}, {tmp_b32}, {off}, 31, -1;",
              f"mov.b32 {tmp_f32}, {tmp_b32};"]
        o += combine(reg, tmp_f32)
    return o


BLOCK_REGS = [".reg .pred %bP;", ".reg .b32 %bT, %bW, %bA, %bBase, %bSlot, %lane, %warp, %nWarps;", ".reg .f32 %bF;"]


def block_setup(shared_symbol):
    """lane, warp, warps per block and this warp's slot in `shared_symbol` (one f32 per warp)."""
    return ["mov.u32 %lane, %tid.x;", "and.b32 %lane, %lane, 31;",
            "mov.u32 %warp, %tid.x;", "shr.u32 %warp, %warp, 5;",
            "mov.u32 %nWarps, %ntid.x;", "add.u32 %nWarps, %nWarps, 31;", "shr.u32 %nWarps, %nWarps, 5;",
            f"mov.u32 %bBase, {shared_symbol};", "shl.b32 %bT, %warp, 2;", "add.u32 %bSlot, %bBase, %bT;"]


def block_allreduce_f32(reg, comb, tag):
    """Block-wide fold of `reg` with the instruction `comb` (d, a, b), result in `reg` of EVERY
    thread: warp folds, one shared slot per warp, then each thread folds the slots in warp order
    (the same order everywhere, so every thread gets the same bits). Every thread of the block
    must arrive (blockDim a multiple of 32)."""
    o = warp_fold_f32(reg, lambda r, b: [f"{comb} {r}, {r}, {b};"])
    o += ["setp.eq.u32 %bP, %lane, 0;", f"@%bP st.shared.f32 [%bSlot], {reg};", "bar.sync 0;",
          f"ld.shared.f32 {reg}, [%bBase];", "mov.u32 %bW, 1;", "add.u32 %bA, %bBase, 4;",
          f"{tag}_FOLD:", "setp.ge.u32 %bP, %bW, %nWarps;", f"@%bP bra {tag}_FOLDED;",
          "ld.shared.f32 %bF, [%bA];", f"{comb} {reg}, {reg}, %bF;",
          "add.u32 %bW, %bW, 1;", "add.u32 %bA, %bA, 4;", f"bra.uni {tag}_FOLD;",
          f"{tag}_FOLDED:", "bar.sync 0;   // the slots are reused by the next fold"]
    return o
