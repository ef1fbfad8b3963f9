"""gather.ptx: gather_f32 and scatter_add_f32 along one dimension (design notes: TENSOR.md)."""
from .emit import body, file_header
from .strided import DECODE_REGS, GRID_REGS, decode, grid_stride


def index_kernel(scatter):
    """One thread per index element (grid-stride). The StridedMeta block walks index's shape
    with slot 0 = out (gather) / dst with its `dim` stride zeroed (scatter), slot 1 = index,
    slot 2 = src with its `dim` stride zeroed (gather) / src (scatter); the index value j then
    adds j * p_sdim elements to the zeroed operand. An index outside [0, p_dimsize) writes
    nothing and records the first such error in the DeviceErrors block at p_err (when not 0)."""
    name = "scatter_add_f32" if scatter else "gather_f32"
    code = 3 if scatter else 2
    tag = "SC" if scatter else "GA"
    o = ["ld.param.u32 %n, [p_n];", "ld.param.u32 %dimSize, [p_dimsize];", "ld.param.s32 %sDim, [p_sdim];",
         "ld.param.u64 %err, [p_err];", "ld.param.u64 %aB, [p_a];", "ld.param.u64 %iB, [p_index];", "ld.param.u64 %bB, [p_b];",
         "cvta.to.global.u64 %aB, %aB;", "cvta.to.global.u64 %iB, %iB;", "cvta.to.global.u64 %bB, %bB;",
         "setp.ne.u64 %pErr, %err, 0;", "@%pErr cvta.to.global.u64 %err, %err;",
         "cvt.u64.u32 %dimSize64, %dimSize;"]
    each = decode("%e", [(0, "%aOff"), (1, "%iOff"), (2, "%bOff")], tag)
    each += ["mul.wide.s32 %t64, %iOff, 8;", "add.s64 %t64, %iB, %t64;", "ld.global.s64 %j, [%t64];",
          # unsigned compare: a negative index is huge, so one test catches both ends
          "setp.ge.u64 %p, %j, %dimSize64;", f"@%p bra {tag}_BAD;",
          "cvt.u32.u64 %t0, %j;", "mul.lo.s32 %t0, %t0, %sDim;"]
    if scatter:
        each += ["add.s32 %aOff, %aOff, %t0;",
              "mul.wide.s32 %t64, %bOff, 4;", "add.s64 %t64, %bB, %t64;", "ld.global.f32 %v, [%t64];",
              "mul.wide.s32 %t64, %aOff, 4;", "add.s64 %t64, %aB, %t64;", "atom.global.add.f32 %v, [%t64], %v;"]
    else:
        each += ["add.s32 %bOff, %bOff, %t0;",
              "mul.wide.s32 %t64, %bOff, 4;", "add.s64 %t64, %bB, %t64;", "ld.global.f32 %v, [%t64];",
              "mul.wide.s32 %t64, %aOff, 4;", "add.s64 %t64, %aB, %t64;", "st.global.f32 [%t64], %v;"]
    each += [f"bra.uni {tag}_NEXT;",
          f"{tag}_BAD:",
          f"@!%pErr bra {tag}_NEXT;",
          f"atom.global.cas.b32 %t0, [%err], 0, {code};   // first error wins: code {code}",
          "setp.ne.u32 %p, %t0, 0;",
          f"@%p bra {tag}_NEXT;",
          "st.global.u64 [%err+8], %j;            // value: the bad index",
          "st.global.u64 [%err+16], %dimSize64;   // aux: the dimension's size"]
    o += grid_stride("%n", each, tag, index="%e")
    regs = f"""	.reg .pred %p, %pErr;
	.reg .b32 %n, %dimSize, %sDim, %e, %aOff, %iOff, %bOff, %t0;
	.reg .b64 %err, %aB, %iB, %bB, %j, %dimSize64, %t64;
	.reg .f32 %v;
"""
    regs += "".join(f"\t{r}\n" for r in DECODE_REGS + GRID_REGS)
    return f""".visible .entry {name}(
	.param .u32 p_n,
	.param .u32 p_dimsize,
	.param .s32 p_sdim,
	.param .u64 p_err,
	.param .u64 p_a,
	.param .u64 p_index,
	.param .u64 p_b,
	.param .align 4 .b8 p_meta[128]
)
{{
{regs}
{body(o)}}}
"""


def gather_file():
    return file_header("gather.ptx", "torch.gather and scatter_add_ along one dimension, float32 values, int64 index, any strides.",
                       ["Design notes: TENSOR.md beside this file."]) + """
// gather_f32:      a = out, b = src:  out[i] = src[i with i_dim := index[i]]
// scatter_add_f32: a = dst, b = src:  dst[i with i_dim := index[i]] += src[i]  (atom.global.add.f32,
//                  so the order of additions into one element is not fixed)
// Error codes (org.jgrad.cuda.DeviceErrorCode): 2 GATHER_INDEX, 3 SCATTER_ADD_INDEX, with the
// bad value at err+8 and the dimension's size at err+16.

""" + index_kernel(False) + "\n" + index_kernel(True)
