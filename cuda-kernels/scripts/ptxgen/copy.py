"""copy.ptx: strided copy with dtype conversion (the cast family), and strided fill."""
from .dtypes import DTYPES, load_widened, store_narrowed
from .emit import banner, entry, file_header, switch
from .strided import DECODE_REGS, GRID_REGS, META_PARAM, grid_stride, offsets

FLOAT = "%isFloat"


def copy_strided():
    """Every source dtype is loaded into a 64-bit register of its kind (f64 for floating, s64
    for integer), so every value survives a round trip; float to integer truncates toward zero
    (as Java and PyTorch do); then stored as the destination dtype."""
    o = ["ld.param.u32 %n, [p_n];", "ld.param.u32 %srcType, [p_srctype];", "ld.param.u32 %dstType, [p_dsttype];",
         "ld.param.u32 %contig, [p_contig];", "ld.param.u64 %dstB, [p_dst];", "ld.param.u64 %srcB, [p_src];",
         "cvta.to.global.u64 %dstB, %dstB;", "cvta.to.global.u64 %srcB, %srcB;",
         f"setp.lt.u32 {FLOAT}, %srcType, 2;   // FLOAT32, FLOAT64: the value travels in %wf"]
    each = offsets("%gI", [(0, "%dOff"), (1, "%sOff")], "CP", contig="%contig")
    each.append("cvt.s64.s32 %t64, %sOff;")
    *rest, last = DTYPES
    each += switch("%srcType", [(t.code, "LD_" + t.ptx) for t in rest], None, pred="%q")
    for t in [last] + rest:   # an unknown code loads as the last type (uint8)
        if t is not last:
            each.append("LD_" + t.ptx + ":")
        each += address("%ad", "%srcB", t.size)
        each += load_widened(t, "%ad", "%wf", "%wi")
        each.append("bra.uni LOADED;" if t is not rest[-1] else "// falls into LOADED")
    each += ["LOADED:", "cvt.s64.s32 %t64, %dOff;"]
    floating = [t for t in DTYPES if t.floating]
    integer = [t for t in DTYPES if not t.floating]
    each += switch("%dstType", [(t.code, "ST_" + t.ptx) for t in floating], None, pred="%q")
    each += ["// the integer destinations truncate a floating source toward zero first",
             f"@{FLOAT} cvt.rzi.s64.f64 %wi, %wf;"]
    *irest, ilast = integer
    each += switch("%dstType", [(t.code, "ST_" + t.ptx) for t in irest], None, pred="%q")
    for t in [ilast] + irest + floating:   # an unknown code stores as the last type (uint8)
        if t is not ilast:
            each.append("ST_" + t.ptx + ":")
        each += address("%ad", "%dstB", t.size)
        each += store_narrowed(t, "%ad", "%wf", "%wi", FLOAT)
        if t is not floating[-1]:
            each.append("bra.uni CP_NEXT;")
    o += grid_stride("%n", each, "CP")
    regs = DECODE_REGS + GRID_REGS + [f".reg .pred %q, {FLOAT};",
                                      ".reg .b32 %n, %srcType, %dstType, %contig, %dOff, %sOff, %vr;",
                                      ".reg .b64 %dstB, %srcB, %ad, %t64, %t2, %wi;", ".reg .f32 %vf;", ".reg .f64 %wf;"]
    return entry("copy_strided", [(".u32", "p_n"), (".u32", "p_srctype"), (".u32", "p_dsttype"), (".u32", "p_contig"),
                                  (".u64", "p_dst"), (".u64", "p_src"), META_PARAM], regs, o)


def address(dst, base, size):
    """dst = base + %t64 * size (%t64: the s64 element offset)."""
    if size == 1:
        return [f"add.s64 {dst}, {base}, %t64;"]
    return [f"shl.b64 %t2, %t64, {size.bit_length() - 1};", f"add.s64 {dst}, {base}, %t2;"]


def fill_strided():
    o = ["ld.param.u32 %n, [p_n];", "ld.param.u32 %size, [p_size];", "ld.param.u32 %contig, [p_contig];",
         "ld.param.u64 %dstB, [p_dst];", "ld.param.u64 %bits, [p_bits];",
         "cvta.to.global.u64 %dstB, %dstB;", "cvt.u32.u64 %bits32, %bits;"]
    each = offsets("%gI", [(0, "%dOff")], "FL", contig="%contig")
    each += ["mul.wide.s32 %t64, %dOff, %size;   // byte offset = element offset * size", "add.s64 %ad, %dstB, %t64;"]
    each += switch("%size", [(8, "ST8"), (4, "ST4")], None, pred="%q")
    each += ["st.global.u8 [%ad], %bits32;", "bra.uni FL_NEXT;",
             "ST4:", "st.global.u32 [%ad], %bits32;", "bra.uni FL_NEXT;",
             "ST8:", "st.global.u64 [%ad], %bits;"]
    o += grid_stride("%n", each, "FL")
    regs = DECODE_REGS + GRID_REGS + [".reg .pred %q;", ".reg .b32 %n, %size, %contig, %dOff, %bits32;",
                                      ".reg .b64 %dstB, %bits, %ad, %t64;"]
    return banner(["Every element of a strided destination set to a bit pattern of p_size bytes (1, 4 or 8),",
                   "for the fills that cuMemsetD8/D32 cannot do (64-bit types, strided views).",
                   "Destination strides in slot 0."]) + entry(
        "fill_strided", [(".u32", "p_n"), (".u32", "p_size"), (".u32", "p_contig"), (".u64", "p_dst"),
                         (".u64", "p_bits"), META_PARAM], regs, o)


def copy_file():
    types = "   ".join(f"type {t.code} {t.name}" for t in DTYPES)
    return file_header("copy.ptx", "strided copy with dtype conversion, and strided fill.", [
        "",
        "StridedMeta block as in elementwise.ptx (shape, destination strides in slot 0, source strides",
        "in slot 1). Type codes follow org.jgrad.tensor.DType's order:",
        "  " + types,
        "Conversions go through a 64-bit register of the source's kind (f64 for floating, s64 for",
        "integer) so every int32/int64/uint8 value and every float32/float64 value survives a",
        "round trip; float to integer truncates toward zero (as Java and PyTorch do).",
    ]) + "\n" + copy_strided() + "\n" + fill_strided()
