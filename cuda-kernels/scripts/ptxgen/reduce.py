"""reduce.ptx: float32 reductions of rows (the reduced axes permuted last)."""
from .emit import entry, file_header
from .folds import warp_fold_f32
from .strided import DECODE_REGS, META_PARAM, decode

# (code, name, identity, predicated combine replacing the add; None for the add itself)
OPS = [(0, "SUM", "0f00000000", None), (1, "MAX", "0fFF800000", "max.NaN.f32"),
       (2, "MIN", "0f7F800000", "min.NaN.f32"), (3, "PROD", "0f3F800000", "mul.f32")]


def combine(acc, b):
    """acc := acc op b. The op is chosen once per launch: predicated max / min / mul replace
    the add (%pOp1..3 hold op == 1..3)."""
    o = ["mov.f32 %old, " + acc + ";", f"add.f32 {acc}, %old, {b};"]
    o += [f"@%pOp{c} {ins} {acc}, %old, {b};" for c, _, _, ins in OPS if ins]
    return o


def reduce_rows_f32():
    o = ["ld.param.u32 %op, [p_op];", "ld.param.u32 %rows, [p_rows];", "ld.param.u32 %k, [p_k];",
         "ld.param.u64 %outB, [p_out];", "ld.param.u64 %xB, [p_x];",
         "cvta.to.global.u64 %outB, %outB;", "cvta.to.global.u64 %xB, %xB;"]
    o += [f"setp.eq.u32 %pOp{c}, %op, {c};" for c, _, _, ins in OPS if ins]
    o.append(f"mov.f32 %ident, {OPS[0][2]};   // the operation's identity")
    o += [f"@%pOp{c} mov.f32 %ident, {ident};" for c, _, ident, ins in OPS if ins]
    o += ["mov.u32 %tx, %tid.x;", "mov.u32 %nt, %ntid.x;",
          "and.b32 %lane, %tx, 31;", "shr.u32 %warp, %tx, 5;",
          "add.u32 %nWarps, %nt, 31;", "shr.u32 %nWarps, %nWarps, 5;",
          "mov.u32 %row, %ctaid.x;", "mov.u32 %rowStep, %nctaid.x;", "mov.u32 %base, jg_warp_partial;",
          "ROW_LOOP:", "setp.ge.u32 %p, %row, %rows;", "@%p bra EXIT;",
          "mov.f32 %acc, %ident;", "mov.u32 %j, %tx;",
          "K_LOOP:", "setp.ge.u32 %p, %j, %k;", "@%p bra K_DONE;",
          "mad.lo.u32 %lin, %row, %k, %j;   // linear index row * k + j"]
    o += decode("%lin", [(1, "%xOff")], "RD")
    o += ["mul.wide.s32 %t64, %xOff, 4;", "add.s64 %ad, %xB, %t64;", "ld.global.f32 %v, [%ad];"]
    o += combine("%acc", "%v")
    o += ["add.u32 %j, %j, %nt;", "bra.uni K_LOOP;",
          "K_DONE:", "// fold the warp: lane 0 ends with the warp's value"]
    o += warp_fold_f32("%acc", combine, "%sh", "%v")
    o += ["// lane 0 of each warp publishes its value",
          "setp.ne.u32 %p, %lane, 0;", "shl.b32 %t, %warp, 2;", "add.u32 %slot, %base, %t;",
          "@!%p st.shared.f32 [%slot], %acc;", "bar.sync 0;",
          "// warp 0 folds the per-warp values",
          "setp.ne.u32 %p, %warp, 0;", "@%p bra ROW_DONE;",
          "mov.f32 %acc, %ident;", "setp.lt.u32 %p, %lane, %nWarps;",
          "shl.b32 %t, %lane, 2;", "add.u32 %slot, %base, %t;", "@%p ld.shared.f32 %acc, [%slot];"]
    o += warp_fold_f32("%acc", combine, "%sh", "%v")
    o += ["setp.ne.u32 %p, %lane, 0;", "@%p bra ROW_DONE;",
          "mul.wide.u32 %t64, %row, 4;", "add.s64 %ad, %outB, %t64;", "st.global.f32 [%ad], %acc;",
          "ROW_DONE:", "// every warp must have read jg_warp_partial before the next row overwrites it",
          "bar.sync 0;", "add.u32 %row, %row, %rowStep;", "bra.uni ROW_LOOP;", "EXIT:", "ret;"]
    regs = DECODE_REGS + [".reg .pred %p, %pOp1, %pOp2, %pOp3;",
                          ".reg .b32 %op, %rows, %k, %tx, %nt, %lane, %warp, %nWarps, %row, %rowStep, %base, %slot, %t, %j, %lin, %xOff, %sh;",
                          ".reg .b64 %outB, %xB, %ad, %t64;", ".reg .f32 %ident, %acc, %v, %old;"]
    return entry("reduce_rows_f32", [(".u32", "p_op"), (".u32", "p_rows"), (".u32", "p_k"), (".u64", "p_out"),
                                     (".u64", "p_x"), META_PARAM], regs, o)


def reduce_file():
    ops = "   ".join(f"op {c} {n}" for c, n, _, _ in OPS)
    return file_header("reduce.ptx", "float32 reductions along axes.", [
        "",
        "The caller permutes the input so the reduced axes come last: the view is then `rows`",
        "independent rows of `k` elements each (rows = elements of the output). One block reduces",
        "one row at a time (grid-stride over rows): each thread folds a strided slice of the row,",
        "then warp shuffles fold 32 values to one, shared memory gathers one value per warp, and",
        "the first warp folds those. Accumulation is float32, as in PyTorch's CUDA sum.",
        "",
        "  " + ops + "     (org.jgrad.backend.ReduceOp order; NaN propagates)",
        "",
        "Input strides in StridedMeta slot 1 over the permuted shape (linear index = row * k + j).",
        "The output is dense: out[row]. Block size: a multiple of 32, at most 1024.",
    ]) + "\n.shared .align 4 .f32 jg_warp_partial[32];\n\n" + reduce_rows_f32()
