"""argreduce.ptx: argmax / argmin of float32 rows along one dimension (design notes: TENSOR.md)."""
from .emit import body, file_header
from .strided import DECODE_REGS, decode

NEG_INF = "0fFF800000"
POS_INF = "0f7F800000"


def take_better(v, i, w, jw):
    """(v, i) := (w, jw) when (w, jw) is the better candidate: NaN beats any number; between
    two NaNs or two equal numbers the lower index wins; otherwise the larger (p_max) or smaller
    value. Index 0xFFFFFFFF marks 'no candidate yet' (with the identity value)."""
    return [
        f"setp.nan.f32 %cVn, {v}, {v};",
        f"setp.nan.f32 %cWn, {w}, {w};",
        f"setp.num.f32 %cVnum, {v}, {v};",
        f"setp.gt.f32 %cG, {w}, {v};",
        f"setp.lt.f32 %cL, {w}, {v};",
        "and.pred %cG, %cG, %pMax;",
        "and.pred %cL, %cL, %pMin;",
        "or.pred %cTake, %cG, %cL;",
        f"setp.eq.f32 %cE, {w}, {v};",
        "and.pred %cBoth, %cVn, %cWn;",
        "or.pred %cE, %cE, %cBoth;",
        f"setp.lt.u32 %cI, {jw}, {i};",
        "and.pred %cE, %cE, %cI;",
        "or.pred %cTake, %cTake, %cE;",
        "and.pred %cN, %cWn, %cVnum;",
        "or.pred %cTake, %cTake, %cN;",
        f"@%cTake mov.f32 {v}, {w};",
        f"@%cTake mov.u32 {i}, {jw};",
    ]


TAKE_REGS = ".reg .pred %cVn, %cWn, %cVnum, %cG, %cL, %cTake, %cE, %cBoth, %cI, %cN;"


def argreduce_kernel(block):
    name = "argreduce_block_f32" if block else "argreduce_thread_f32"
    tag = "AB" if block else "AT"
    o = ["ld.param.u32 %max, [p_max];", "ld.param.u32 %rows, [p_rows];", "ld.param.u32 %k, [p_k];",
         "ld.param.u64 %valB, [p_values];", "ld.param.u64 %idxB, [p_indices];", "ld.param.u64 %xB, [p_x];",
         "ld.param.s32 %sX, [p_sx];",
         "cvta.to.global.u64 %valB, %valB;", "cvta.to.global.u64 %idxB, %idxB;", "cvta.to.global.u64 %xB, %xB;",
         "setp.ne.u32 %pMax, %max, 0;", "setp.eq.u32 %pMin, %max, 0;",
         # the identity: -inf for max, +inf for min
         f"mov.f32 %ident, {POS_INF};", f"@%pMax mov.f32 %ident, {NEG_INF};",
         "mul.wide.s32 %xStep1, %sX, 4;"]
    if block:
        o += ["mov.u32 %lane, %tid.x;", "and.b32 %lane, %lane, 31;", "mov.u32 %warp, %tid.x;", "shr.u32 %warp, %warp, 5;",
              "mov.u32 %nWarps, %ntid.x;", "add.u32 %nWarps, %nWarps, 31;", "shr.u32 %nWarps, %nWarps, 5;",
              "mov.u32 %vBase, jg_partial_f32;", "mov.u32 %iBase, jg_partial_u32;",
              "shl.b32 %t0, %warp, 2;", "add.u32 %vSlot, %vBase, %t0;", "add.u32 %iSlot, %iBase, %t0;",
              "mov.u32 %j0, %tid.x;", "mov.u32 %jStep, %ntid.x;", "mov.u32 %row, %ctaid.x;", "mov.u32 %rowStep, %nctaid.x;"]
    else:
        o += ["mov.u32 %j0, 0;", "mov.u32 %jStep, 1;",
              "mov.u32 %t0, %ctaid.x;", "mov.u32 %t1, %ntid.x;", "mov.u32 %t2, %tid.x;",
              "mad.lo.u32 %row, %t0, %t1, %t2;", "mov.u32 %t0, %nctaid.x;", "mul.lo.u32 %rowStep, %t0, %t1;"]
    o += ["cvt.u64.u32 %t64, %jStep;", "mul.lo.s64 %xStep, %xStep1, %t64;",
          "cvt.u64.u32 %t64, %j0;", "mul.lo.s64 %xFirst, %xStep1, %t64;"]
    o.append(f"{tag}_ROW:")
    o += ["setp.ge.u32 %p, %row, %rows;", f"@%p bra {tag}_EXIT;"]
    o += decode("%row", [(0, "%vOff"), (1, "%iOff"), (2, "%xOff")], tag)
    o += ["mul.wide.s32 %t64, %xOff, 4;", "add.s64 %a, %xB, %t64;", "add.s64 %a, %a, %xFirst;",
          "mov.f32 %best, %ident;", "mov.u32 %bi, 4294967295;", "mov.u32 %j, %j0;",
          f"{tag}_SCAN:", "setp.ge.u32 %p, %j, %k;", f"@%p bra {tag}_SCAN_DONE;",
          "ld.global.f32 %v, [%a];"]
    o += take_better("%best", "%bi", "%v", "%j")
    o += ["add.s64 %a, %a, %xStep;", "add.u32 %j, %j, %jStep;", f"bra.uni {tag}_SCAN;", f"{tag}_SCAN_DONE:"]
    if block:
        for off in (16, 8, 4, 2, 1):
            o += ["mov.b32 %t0, %best;", f"shfl.sync.down.b32 %t0, %t0, {off}, 31, -1;", "mov.b32 %w, %t0;",
                  f"shfl.sync.down.b32 %jw, %bi, {off}, 31, -1;"]
            o += take_better("%best", "%bi", "%w", "%jw")
        o += ["setp.eq.u32 %p, %lane, 0;", "@%p st.shared.f32 [%vSlot], %best;", "@%p st.shared.u32 [%iSlot], %bi;",
              "bar.sync 0;",
              # thread 0 folds the warps' candidates in warp order and writes the row
              "mov.u32 %t0, %tid.x;", "setp.ne.u32 %p, %t0, 0;",
              f"@%p bra {tag}_ROW_DONE;",
              "mov.u32 %t1, 0;", "mov.u32 %t2, %vBase;", "mov.u32 %t3, %iBase;",
              f"{tag}_FOLD:", "setp.ge.u32 %p, %t1, %nWarps;", f"@%p bra {tag}_FOLDED;",
              "ld.shared.f32 %w, [%t2];", "ld.shared.u32 %jw, [%t3];"]
        o += take_better("%best", "%bi", "%w", "%jw")
        o += ["add.u32 %t1, %t1, 1;", "add.u32 %t2, %t2, 4;", "add.u32 %t3, %t3, 4;", f"bra.uni {tag}_FOLD;",
              f"{tag}_FOLDED:"]
    o += ["mul.wide.s32 %t64, %vOff, 4;", "add.s64 %b, %valB, %t64;", "st.global.f32 [%b], %best;",
          "mul.wide.s32 %t64, %iOff, 8;", "add.s64 %b, %idxB, %t64;", "cvt.u64.u32 %t64, %bi;", "st.global.u64 [%b], %t64;"]
    if block:
        o += [f"{tag}_ROW_DONE:", "bar.sync 0;   // the slots are reused by the next row"]
    o += ["add.u32 %row, %row, %rowStep;", f"bra.uni {tag}_ROW;", f"{tag}_EXIT:", "ret;"]
    regs = f"""	.reg .pred %p, %pMax, %pMin;
	.reg .b32 %max, %rows, %k, %sX, %row, %rowStep, %j, %j0, %jStep, %vOff, %iOff, %xOff, %bi, %jw, %t0, %t1, %t2, %t3;
	.reg .b64 %valB, %idxB, %xB, %xStep1, %xStep, %xFirst, %a, %b, %t64;
	.reg .f32 %ident, %best, %v, %w;
	{TAKE_REGS}
"""
    regs += "".join(f"\t{r}\n" for r in DECODE_REGS)
    if block:
        regs += "\t.reg .b32 %lane, %warp, %nWarps, %vBase, %iBase, %vSlot, %iSlot;\n"
    return f""".visible .entry {name}(
	.param .u32 p_max,
	.param .u32 p_rows,
	.param .u32 p_k,
	.param .u64 p_values,
	.param .u64 p_indices,
	.param .u64 p_x,
	.param .s32 p_sx,
	.param .align 4 .b8 p_meta[128]
)
{{
{regs}
{body(o)}}}
"""


def argreduce_file():
    return file_header("argreduce.ptx", "max/min of float32 along one dimension with the index of the first extreme.",
                       ["Design notes: TENSOR.md beside this file."]) + """
// NaN counts as the extreme (the first NaN wins), ties keep the lowest index: PyTorch's rule
// and the CPU backend's. Rows as in softmax.ptx: the outer positions, decoded with the
// StridedMeta block (values' outer strides in slot 0, indices' in slot 1, x's in slot 2);
// element j of a row is j * p_sx elements further. Values float32, indices int64. p_max != 0
// takes the maximum, else the minimum. Block size for the block entry: a multiple of 32.

.shared .align 4 .f32 jg_partial_f32[32];
.shared .align 4 .u32 jg_partial_u32[32];

""" + argreduce_kernel(False) + "\n" + argreduce_kernel(True)
