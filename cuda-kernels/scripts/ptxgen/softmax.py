"""softmax.ptx: (log-)softmax of float32 rows along one dimension (design notes: TENSOR.md)."""
from .emit import body, file_header
from .folds import BLOCK_REGS, block_allreduce_f32, block_setup
from .strided import DECODE_REGS, decode

NEG_INF = "0fFF800000"
LOG2E = "0f3FB8AA3B"
LN2 = "0f3F317218"


def softmax_kernel(block):
    """One row (the elements along `dim` of one outer position) per thread (`block` False:
    small rows, neighbouring threads take neighbouring rows, so strided rows still read
    coalesced) or per block (`block` True: long rows). Three passes: max, sum of exp(x - max),
    write x - max - log(sum) or exp(x - max) / sum."""
    name = "softmax_block_f32" if block else "softmax_thread_f32"
    tag = "SB" if block else "ST"
    o = []
    o += ["ld.param.u32 %log, [p_log];", "ld.param.u32 %rows, [p_rows];", "ld.param.u32 %k, [p_k];",
          "ld.param.u64 %outB, [p_out];", "ld.param.u64 %xB, [p_x];",
          "ld.param.s32 %sOut, [p_sout];", "ld.param.s32 %sX, [p_sx];",
          "cvta.to.global.u64 %outB, %outB;", "cvta.to.global.u64 %xB, %xB;",
          "setp.ne.u32 %pLog, %log, 0;",
          "mul.wide.s32 %xStep1, %sX, 4;", "mul.wide.s32 %oStep1, %sOut, 4;"]
    if block:
        o += block_setup("jg_partial_f32")
        o += ["mov.u32 %j0, %tid.x;", "mov.u32 %jStep, %ntid.x;",
              "mov.u32 %row, %ctaid.x;", "mov.u32 %rowStep, %nctaid.x;"]
    else:
        o += ["mov.u32 %j0, 0;", "mov.u32 %jStep, 1;",
              "mov.u32 %t0, %ctaid.x;", "mov.u32 %t1, %ntid.x;", "mov.u32 %t2, %tid.x;",
              "mad.lo.u32 %row, %t0, %t1, %t2;", "mov.u32 %t0, %nctaid.x;", "mul.lo.u32 %rowStep, %t0, %t1;"]
    o += ["cvt.u64.u32 %t64, %jStep;", "mul.lo.s64 %xStep, %xStep1, %t64;", "mul.lo.s64 %oStep, %oStep1, %t64;",
          "cvt.u64.u32 %t64, %j0;", "mul.lo.s64 %xFirst, %xStep1, %t64;", "mul.lo.s64 %oFirst, %oStep1, %t64;"]
    o.append(f"{tag}_ROW:")
    o += ["setp.ge.u32 %p, %row, %rows;", f"@%p bra {tag}_EXIT;"]
    o += decode("%row", [(0, "%oOff"), (1, "%xOff")], tag)
    o += ["mul.wide.s32 %t64, %xOff, 4;", "add.s64 %xRow, %xB, %t64;", "add.s64 %xRow, %xRow, %xFirst;",
          "mul.wide.s32 %t64, %oOff, 4;", "add.s64 %oRow, %outB, %t64;", "add.s64 %oRow, %oRow, %oFirst;"]
    # pass 1: max (NaN propagates)
    o += [f"mov.f32 %m, {NEG_INF};", "mov.u64 %a, %xRow;", "mov.u32 %j, %j0;",
          f"{tag}_MAX:", "setp.ge.u32 %p, %j, %k;", f"@%p bra {tag}_MAX_DONE;",
          "ld.global.f32 %v, [%a];", "max.NaN.f32 %m, %m, %v;",
          "add.s64 %a, %a, %xStep;", "add.u32 %j, %j, %jStep;", f"bra.uni {tag}_MAX;", f"{tag}_MAX_DONE:"]
    if block:
        o += block_allreduce_f32("%m", "max.NaN.f32", tag + "_M")
    # pass 2: sum of exp(x - max)
    o += ["mov.f32 %s, 0f00000000;", "mov.u64 %a, %xRow;", "mov.u32 %j, %j0;",
          f"{tag}_SUM:", "setp.ge.u32 %p, %j, %k;", f"@%p bra {tag}_SUM_DONE;",
          "ld.global.f32 %v, [%a];", "sub.f32 %v, %v, %m;", f"mul.f32 %v, %v, {LOG2E};", "ex2.approx.f32 %v, %v;",
          "add.f32 %s, %s, %v;",
          "add.s64 %a, %a, %xStep;", "add.u32 %j, %j, %jStep;", f"bra.uni {tag}_SUM;", f"{tag}_SUM_DONE:"]
    if block:
        o += block_allreduce_f32("%s", "add.f32", tag + "_S")
    # pass 3: write
    o += ["lg2.approx.f32 %ls, %s;", f"mul.f32 %ls, %ls, {LN2};", "rcp.rn.f32 %inv, %s;",
          "mov.u64 %a, %xRow;", "mov.u64 %b, %oRow;", "mov.u32 %j, %j0;",
          f"{tag}_OUT:", "setp.ge.u32 %p, %j, %k;", f"@%p bra {tag}_OUT_DONE;",
          "ld.global.f32 %v, [%a];", "sub.f32 %v, %v, %m;",
          "sub.f32 %w, %v, %ls;",                         # log-softmax: x - max - log(sum)
          f"@!%pLog mul.f32 %v, %v, {LOG2E};", "@!%pLog ex2.approx.f32 %v, %v;",
          "@!%pLog mul.f32 %w, %v, %inv;",                # softmax: exp(x - max) / sum
          "st.global.f32 [%b], %w;",
          "add.s64 %a, %a, %xStep;", "add.s64 %b, %b, %oStep;", "add.u32 %j, %j, %jStep;",
          f"bra.uni {tag}_OUT;", f"{tag}_OUT_DONE:"]
    o += ["add.u32 %row, %row, %rowStep;", f"bra.uni {tag}_ROW;", f"{tag}_EXIT:", "ret;"]
    regs = f"""	.reg .pred %p, %pLog;
	.reg .b32 %log, %rows, %k, %sOut, %sX, %row, %rowStep, %j, %j0, %jStep, %oOff, %xOff, %t0, %t1, %t2;
	.reg .b64 %outB, %xB, %xStep1, %oStep1, %xStep, %oStep, %xFirst, %oFirst, %xRow, %oRow, %a, %b, %t64;
	.reg .f32 %m, %s, %v, %w, %ls, %inv;
"""
    regs += "".join(f"\t{r}\n" for r in DECODE_REGS + (BLOCK_REGS if block else []))
    return f""".visible .entry {name}(
	.param .u32 p_log,
	.param .u32 p_rows,
	.param .u32 p_k,
	.param .u64 p_out,
	.param .u64 p_x,
	.param .s32 p_sout,
	.param .s32 p_sx,
	.param .align 4 .b8 p_meta[128]
)
{{
{regs}
{body(o)}}}
"""


def softmax_file():
    return file_header("softmax.ptx", "(log-)softmax of float32 along one dimension, any strides.", ["Design notes: TENSOR.md beside this file."]) + """
// Rows: the outer positions of the view (every dim but `dim`), decoded with the StridedMeta
// block (out's outer strides in slot 0, x's in slot 1); element j of a row is j * p_sout
// (p_sx) elements further. p_log != 0 writes log-softmax. Block size for the block entry: a
// multiple of 32, at most 1024.

.shared .align 4 .f32 jg_partial_f32[32];

""" + softmax_kernel(False) + "\n" + softmax_kernel(True)
