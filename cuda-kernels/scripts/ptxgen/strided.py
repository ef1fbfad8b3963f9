"""The StridedMeta block (org.jgrad.cuda.StridedMeta) and the loops that walk it.

    p_meta + 0            u32 shape[8]
    p_meta + 32 + 32 s    s32 strides of operand slot s [8]   (elements; 0 = broadcast)

Up to 8 dimensions, right-aligned (leading dimensions padded with size 1, stride 0), so a 0-d
view is 8 ones and decodes to offset 0; an empty view launches no element (n = 0)."""

META_PARAM = (".align 4 .b8", "p_meta[128]")
RANK = 8

DECODE_REGS = [".reg .pred %dP;", ".reg .u32 %dRem, %dS, %dQ, %dT, %dC, %dD;", ".reg .u64 %dM;"]


def decode(lin, slots, tag):
    """Element offsets (s32) of linear index `lin` (u32) for each (slot, register) in `slots`.
    One loop over the dimensions, innermost first, reading shape and strides through the
    block's address: coordinate c = rem % shape[d], rem /= shape[d], offset += c * stride[d].
    Once the remaining index is 0 every outer coordinate is 0 too, so the loop stops: a rank-r
    view costs at most r divisions."""
    o = [f"mov.u32 %dRem, {lin};"]
    o += [f"mov.u32 {r}, 0;" for _, r in slots]
    o += ["mov.u64 %dM, p_meta;", f"add.u64 %dM, %dM, {4 * (RANK - 1)};   // &shape[7]",
          f"mov.u32 %dD, {RANK};",
          f"{tag}_DEC:",
          "ld.param.u32 %dS, [%dM];",
          "div.u32 %dQ, %dRem, %dS;",
          "mul.lo.u32 %dT, %dQ, %dS;",
          "sub.u32 %dC, %dRem, %dT;",
          "mov.u32 %dRem, %dQ;"]
    for slot, r in slots:
        o += [f"ld.param.u32 %dT, [%dM+{32 + 32 * slot}];", f"mad.lo.s32 {r}, %dC, %dT, {r};"]
    o += ["sub.u64 %dM, %dM, 4;",
          "sub.u32 %dD, %dD, 1;",
          "setp.ne.u32 %dP, %dRem, 0;",
          "setp.ne.and.u32 %dP, %dD, 0, %dP;",
          f"@%dP bra {tag}_DEC;"]
    return o


def offsets(lin, slots, tag, contig=None):
    """As decode; with `contig` (a u32 register, nonzero when every operand is dense and
    unbroadcast) each offset is simply `lin` and the decode is skipped."""
    if contig is None:
        return decode(lin, slots, tag)
    o = [f"mov.u32 {r}, {lin};" for _, r in slots]
    o += [f"setp.ne.u32 %dP, {contig}, 0;", f"@%dP bra {tag}_IDX_DONE;"]
    o += decode(lin, slots, tag)
    o.append(f"{tag}_IDX_DONE:")
    return o


GRID_REGS = [".reg .pred %gP;", ".reg .u32 %gI, %gStep, %gT0, %gT1, %gT2;"]


def grid_stride(n, body, tag, index="%gI"):
    """for (i = global thread index; i < n; i += total threads) body; `body` is the list of
    lines for one i (in `index`), ending by falling through to {tag}_NEXT (or branching there)."""
    o = ["mov.u32 %gT0, %ctaid.x;", "mov.u32 %gT1, %ntid.x;", "mov.u32 %gT2, %tid.x;",
         f"mad.lo.u32 {index}, %gT0, %gT1, %gT2;", "mov.u32 %gT0, %nctaid.x;", "mul.lo.u32 %gStep, %gT0, %gT1;",
         f"{tag}_LOOP:", f"setp.ge.u32 %gP, {index}, {n};", f"@%gP bra {tag}_EXIT;"]
    o += body
    o += [f"{tag}_NEXT:", f"add.u32 {index}, {index}, %gStep;", f"bra.uni {tag}_LOOP;", f"{tag}_EXIT:", "ret;"]
    return o


def element_address(dst, base, off, size, t64="%t64"):
    """dst = base + off * size (off an s32 element offset)."""
    if size == 1:
        return [f"cvt.s64.s32 {t64}, {off};", f"add.s64 {dst}, {base}, {t64};"]
    return [f"mul.wide.s32 {t64}, {off}, {size};", f"add.s64 {dst}, {base}, {t64};"]
