"""elementwise.ptx: float32 binary / unary / where kernels over strided, broadcast views.

One kernel per arity; the op is a uniform parameter, so every thread of a launch takes the
same branch and one kernel serves every op of its family. The op tables below are the single
source of the codes (mirrored in org.jgrad.cuda.PtxOps; PtxResourcesTest reads the banners)."""
from .emit import banner, entry, file_header, switch
from .strided import DECODE_REGS, GRID_REGS, META_PARAM, element_address, grid_stride, offsets

ONE, ZERO, NAN = "0f3F800000", "0f00000000", "0f7FC00000"


def call_exp(dst, src):
    return ["{", ".param .b32 arg0;", ".param .b32 ret0;", f"st.param.f32 [arg0], {src};",
            "call.uni (ret0), jg_exp, (arg0);", f"ld.param.f32 {dst}, [ret0];", "}"]


def pow_rules(x, y):
    """%v = x^y = 2^(y log2|x|); y == 0 gives 1 (even for 0 and NaN); a negative base is
    defined only for integral y (NaN otherwise), negated for odd y."""
    return ["abs.f32 %t1, " + x + ";", "lg2.approx.f32 %t2, %t1;", f"mul.f32 %t3, %t2, {y};", "ex2.approx.f32 %v, %t3;",
            f"setp.eq.f32 %q, {y}, {ZERO};", f"@%q mov.f32 %v, {ONE};",
            f"setp.ge.f32 %q, {x}, {ZERO};", "@%q bra STORE;",
            f"cvt.rzi.f32.f32 %t4, {y};", f"setp.neu.f32 %q, %t4, {y};",
            f"@%q mov.f32 %v, {NAN};", "@%q bra STORE;",
            f"mul.f32 %t5, {y}, 0f3F000000;", "cvt.rzi.f32.f32 %t6, %t5;",
            "setp.neu.f32 %q, %t6, %t5;", "@%q neg.f32 %v, %v;", "bra.uni STORE;"]


# (code, name, description, lines computing %v from %x (and %y) then branching to STORE or CMP)
BINARY = [
    (0, "ADD", "", ["add.rn.f32 %v, %x, %y;", "bra.uni STORE;"]),
    (1, "SUB", "", ["sub.rn.f32 %v, %x, %y;", "bra.uni STORE;"]),
    (2, "MUL", "", ["mul.rn.f32 %v, %x, %y;", "bra.uni STORE;"]),
    (3, "DIV", "", ["div.rn.f32 %v, %x, %y;", "bra.uni STORE;"]),
    (4, "POW", "", pow_rules("%x", "%y")),
    (5, "MAXIMUM", "", ["max.NaN.f32 %v, %x, %y;", "bra.uni STORE;"]),
    (6, "MINIMUM", "(NaN propagates, as in PyTorch)", ["min.NaN.f32 %v, %x, %y;", "bra.uni STORE;"]),
    (7, "EQ", "", ["setp.eq.f32 %q, %x, %y;", "bra.uni CMP;"]),
    (8, "NE", "", ["setp.neu.f32 %q, %x, %y;   // unordered: NaN != anything", "bra.uni CMP;"]),
    (9, "LT", "", ["setp.lt.f32 %q, %x, %y;", "bra.uni CMP;"]),
    (10, "LE", "", ["setp.le.f32 %q, %x, %y;", "bra.uni CMP;"]),
    (11, "GT", "", ["setp.gt.f32 %q, %x, %y;", "bra.uni CMP;"]),
    (12, "GE", "", ["setp.ge.f32 %q, %x, %y;", "bra.uni CMP;"]),
    (13, "RELU_BACKWARD", "(x = the ReLU's input, y = the incoming gradient: y where x > 0 else 0)",
     [f"setp.gt.f32 %q, %x, {ZERO};", f"selp.f32 %v, %y, {ZERO}, %q;", "bra.uni STORE;"]),
]

UNARY = [
    (0, "NEG", "", ["neg.f32 %v, %x;", "bra.uni STORE;"]),
    (1, "EXP", "", call_exp("%v", "%x") + ["bra.uni STORE;"]),
    # ln x = log2(x) * ln 2 (lg2.approx: about 2^-22 absolute error near 1)
    (2, "LOG", "", ["lg2.approx.f32 %t1, %x;", "mul.f32 %v, %t1, 0f3F317218;", "bra.uni STORE;"]),
    (3, "SQRT", "", ["sqrt.rn.f32 %v, %x;", "bra.uni STORE;"]),
    (4, "ABS", "", ["abs.f32 %v, %x;", "bra.uni STORE;"]),
    (5, "RELU", "", [f"max.NaN.f32 %v, %x, {ZERO};   // NaN stays NaN, as in PyTorch", "bra.uni STORE;"]),
    # 1 / (1 + exp(-x)); exp(-x) = inf for very negative x gives exactly 0
    (6, "SIGMOID", "", ["neg.f32 %t1, %x;"] + call_exp("%t2", "%t1") +
     [f"add.f32 %t3, %t2, {ONE};", "rcp.rn.f32 %v, %t3;", "bra.uni STORE;"]),
    # |x| < 0.125: odd Taylor series to x^9 (no cancellation); else 1 - 2 / (exp(2|x|) + 1), sign restored
    (7, "TANH", "", ["abs.f32 %t1, %x;", "setp.lt.f32 %q, %t1, 0f3E000000;", "@%q bra TANH_SMALL;",
                     "add.f32 %t2, %t1, %t1;"] + call_exp("%t3", "%t2") +
     [f"add.f32 %t4, %t3, {ONE};", "div.rn.f32 %t5, 0f40000000, %t4;", f"sub.f32 %t6, {ONE}, %t5;",
      "copysign.f32 %v, %x, %t6;   // copysign(sign source, magnitude)", "bra.uni STORE;",
      "TANH_SMALL:",
      "mul.f32 %t2, %x, %x;   // p = ((((62/2835) x2 - 17/315) x2 + 2/15) x2 - 1/3) x2 + 1; tanh = x p",
      "fma.rn.f32 %t3, %t2, 0f3CB327A4, 0fBD5D0DD1;", "fma.rn.f32 %t3, %t3, %t2, 0f3E088889;",
      "fma.rn.f32 %t3, %t3, %t2, 0fBEAAAAAB;", f"fma.rn.f32 %t3, %t3, %t2, {ONE};",
      "mul.f32 %v, %x, %t3;", "bra.uni STORE;"]),
    # +1 / -1; 0 and NaN pass through unchanged
    (8, "SIGN", "", ["mov.f32 %v, %x;", f"setp.gt.f32 %q, %x, {ZERO};", f"@%q mov.f32 %v, {ONE};",
                     f"setp.lt.f32 %q, %x, {ZERO};", "@%q mov.f32 %v, 0fBF800000;", "bra.uni STORE;"]),
    # exact for the common exponents 2 and 1; otherwise POW's rules with y = a
    (9, "POW_SCALAR", "(x^a)", ["setp.eq.f32 %q, %a, 0f40000000;", "@%q mul.rn.f32 %v, %x, %x;", "@%q bra STORE;",
                               f"setp.eq.f32 %q, %a, {ONE};", "@%q mov.f32 %v, %x;", "@%q bra STORE;"]
     + pow_rules("%x", "%a")),
    (10, "CLAMP", "(to [a, b])", ["max.NaN.f32 %t1, %x, %a;", "min.NaN.f32 %v, %t1, %b;", "bra.uni STORE;"]),
    (11, "ADD_SCALAR", "(x + a)", ["add.rn.f32 %v, %x, %a;", "bra.uni STORE;"]),
    (12, "MUL_SCALAR", "(x * a)", ["mul.rn.f32 %v, %x, %a;", "bra.uni STORE;"]),
    (13, "RDIV_SCALAR", "(a / x)", ["div.rn.f32 %v, %a, %x;", "bra.uni STORE;"]),
    (14, "GT_SCALAR", "", ["setp.gt.f32 %q, %x, %a;", "bra.uni CMP;"]),
    (15, "LT_SCALAR", "", ["setp.lt.f32 %q, %x, %a;", "bra.uni CMP;"]),
    (16, "GE_SCALAR", "", ["setp.ge.f32 %q, %x, %a;", "bra.uni CMP;"]),
    (17, "LE_SCALAR", "", ["setp.le.f32 %q, %x, %a;", "bra.uni CMP;"]),
    (18, "EQ_SCALAR", "", ["setp.eq.f32 %q, %x, %a;", "bra.uni CMP;"]),
    (19, "NE_SCALAR", "", ["setp.neu.f32 %q, %x, %a;", "bra.uni CMP;"]),
]


def op_table(ops, per_line):
    """The "op N NAME (note)" comment lines, a few per line."""
    items = [f"op {c} {n}" + (f" {d}" if d else "") for c, n, d, _ in ops]
    lines, cur = [], ""
    for it in items:
        if cur and (len(cur) + len(it) + 2 > per_line or it.endswith(")") or cur.endswith(")")):
            lines.append(cur)
            cur = ""
        cur = (cur + "  " + it) if cur else it
    lines.append(cur)
    return ["  " + l for l in lines]


def dispatch(ops):
    """Branch on %op to each op's code; an unknown code runs the last op."""
    o = switch("%op", [(c, "OP_" + n) for c, n, _, _ in ops[:-1]], "OP_" + ops[-1][1], pred="%q")
    for c, n, _, lines in ops:
        o.append("OP_" + n + ":")
        o += lines
    return o


STORE = [f"CMP:", f"selp.f32 %v, {ONE}, {ZERO}, %q;",
         "STORE:", "setp.ne.u32 %q, %outKind, 0;", "@%q bra STORE_U8;"] + \
    element_address("%ad", "%outB", "%oOff", 4) + ["st.global.f32 [%ad], %v;", "bra.uni EW_NEXT;",
                                                    "STORE_U8:", "cvt.rzi.u32.f32 %u8, %v;"] + \
    element_address("%ad", "%outB", "%oOff", 1) + ["st.global.u8 [%ad], %u8;"]

EW_REGS = DECODE_REGS + GRID_REGS + [".reg .pred %q;", ".reg .b32 %op, %n, %outKind, %contig, %oOff, %xOff, %yOff, %u8;",
                                     ".reg .b64 %outB, %xB, %yB, %ad, %t64;",
                                     ".reg .f32 %x, %y, %v, %a, %b, %t1, %t2, %t3, %t4, %t5, %t6;"]

COMMON_PARAMS = [(".u32", "p_op"), (".u32", "p_n"), (".u32", "p_outkind"), (".u32", "p_contig"), (".u64", "p_out"), (".u64", "p_x")]


def binary():
    o = ["ld.param.u32 %op, [p_op];", "ld.param.u32 %n, [p_n];", "ld.param.u32 %outKind, [p_outkind];",
         "ld.param.u32 %contig, [p_contig];", "ld.param.u64 %outB, [p_out];", "ld.param.u64 %xB, [p_x];",
         "ld.param.u64 %yB, [p_y];", "cvta.to.global.u64 %outB, %outB;", "cvta.to.global.u64 %xB, %xB;",
         "cvta.to.global.u64 %yB, %yB;"]
    each = offsets("%gI", [(0, "%oOff"), (1, "%xOff"), (2, "%yOff")], "EW", contig="%contig")
    each += element_address("%ad", "%xB", "%xOff", 4) + ["ld.global.f32 %x, [%ad];"]
    each += element_address("%ad", "%yB", "%yOff", 4) + ["ld.global.f32 %y, [%ad];"]
    each += dispatch(BINARY) + STORE
    o += grid_stride("%n", each, "EW")
    return banner(["out = x op y over broadcast views."] + op_table(BINARY, 70)) + entry(
        "ew_binary_f32", COMMON_PARAMS + [(".u64", "p_y"), META_PARAM], EW_REGS, o)


def unary():
    o = ["ld.param.u32 %op, [p_op];", "ld.param.u32 %n, [p_n];", "ld.param.u32 %outKind, [p_outkind];",
         "ld.param.u32 %contig, [p_contig];", "ld.param.u64 %outB, [p_out];", "ld.param.u64 %xB, [p_x];",
         "ld.param.f32 %a, [p_a];", "ld.param.f32 %b, [p_b];",
         "cvta.to.global.u64 %outB, %outB;", "cvta.to.global.u64 %xB, %xB;"]
    each = offsets("%gI", [(0, "%oOff"), (1, "%xOff")], "EW", contig="%contig")
    each += element_address("%ad", "%xB", "%xOff", 4) + ["ld.global.f32 %x, [%ad];"]
    each += dispatch(UNARY) + STORE
    o += grid_stride("%n", each, "EW")
    return banner(["out = op(x; a, b). Scalars a, b arrive as float32."] + op_table(UNARY, 70)) + entry(
        "ew_unary_f32", COMMON_PARAMS + [(".f32", "p_a"), (".f32", "p_b"), META_PARAM], EW_REGS, o)


def where():
    o = ["ld.param.u32 %n, [p_n];", "ld.param.u32 %outKind, [p_condkind];", "ld.param.u32 %contig, [p_contig];",
         "ld.param.u64 %outB, [p_out];", "ld.param.u64 %cB, [p_cond];", "ld.param.u64 %xB, [p_x];", "ld.param.u64 %yB, [p_y];",
         "cvta.to.global.u64 %outB, %outB;", "cvta.to.global.u64 %cB, %cB;",
         "cvta.to.global.u64 %xB, %xB;", "cvta.to.global.u64 %yB, %yB;"]
    each = offsets("%gI", [(0, "%cOff"), (1, "%xOff"), (2, "%yOff")], "EW", contig="%contig")
    each += ["setp.ne.u32 %q, %outKind, 0;", "@%q bra COND_U8;"]
    each += element_address("%ad", "%cB", "%cOff", 4) + ["ld.global.f32 %x, [%ad];", f"setp.neu.f32 %q, %x, {ZERO};",
                                                         "bra.uni PICK;", "COND_U8:"]
    each += element_address("%ad", "%cB", "%cOff", 1) + ["ld.global.u8 %u8, [%ad];", "setp.ne.u32 %q, %u8, 0;"]
    each += ["PICK:", "// read only the chosen operand",
             "@%q mul.wide.s32 %t64, %xOff, 4;", "@%q add.s64 %ad, %xB, %t64;",
             "@!%q mul.wide.s32 %t64, %yOff, 4;", "@!%q add.s64 %ad, %yB, %t64;",
             "ld.global.f32 %v, [%ad];", "mul.wide.u32 %t64, %gI, 4;", "add.s64 %ad, %outB, %t64;", "st.global.f32 [%ad], %v;"]
    o += grid_stride("%n", each, "EW")
    regs = DECODE_REGS + GRID_REGS + [".reg .pred %q;", ".reg .b32 %n, %outKind, %contig, %cOff, %xOff, %yOff, %u8;",
                                      ".reg .b64 %outB, %cB, %xB, %yB, %ad, %t64;", ".reg .f32 %x, %v;"]
    return banner(["out = cond != 0 ? x : y over broadcast views; out is dense (element i at i).",
                   "Metadata slots here: cond strides in slot 0, x in slot 1, y in slot 2. p_condkind: 0 = float32",
                   "(NaN counts as true, as != 0 does), 1 = uint8."]) + entry(
        "ew_where_f32", [(".u32", "p_n"), (".u32", "p_condkind"), (".u32", "p_contig"), (".u64", "p_out"),
                         (".u64", "p_cond"), (".u64", "p_x"), (".u64", "p_y"), META_PARAM], regs, o)


JG_EXP = """// ---------------------------------------------------------------------------------------
// exp(x) for float32, accurate to a few ulp: x = n ln2 + r with |r| <= ln2/2 (Cody-Waite,
// two-part ln2), exp(r) = 2^(r log2 e) by the hardware ex2, times 2^n (exact). ex2 of the
// whole x*log2(e) would lose accuracy for large |x|.
// ---------------------------------------------------------------------------------------
.func (.param .b32 jg_exp_ret) jg_exp(.param .b32 jg_exp_x)
{
	.reg .f32 %f<10>;
	ld.param.f32 %f1, [jg_exp_x];
	mul.f32 %f2, %f1, 0f3FB8AA3B;            // x * log2(e)
	cvt.rni.f32.f32 %f3, %f2;                // n = round(x log2 e)
	fma.rn.f32 %f4, %f3, 0fBF317200, %f1;    // r = x - n * ln2_hi   (0.693145751953125)
	fma.rn.f32 %f5, %f3, 0fB5BFBE8E, %f4;    // r -= n * ln2_lo      (1.42860677e-06)
	mul.f32 %f6, %f5, 0f3FB8AA3B;            // r * log2(e)
	ex2.approx.f32 %f7, %f6;                 // 2^(r log2 e) = exp(r)
	ex2.approx.f32 %f8, %f3;                 // 2^n, exact for integral n in range
	mul.f32 %f9, %f7, %f8;
	st.param.f32 [jg_exp_ret], %f9;
	ret;
}
"""


def elementwise_file():
    return file_header("elementwise.ptx", "jgrad's float32 elementwise kernels.", [
        "",
        "Operands are strided views described by the StridedMeta block (ptxgen/strided.py): shape,",
        "then the strides of out (slot 0), x (slot 1), y (slot 2, binary only; 0 = broadcast). p_contig = 1",
        "skips the decode when every operand is dense and unbroadcast. Pointers arrive already",
        "advanced by each view's element offset. Launch: 1-D grid, grid-stride loop, any block size.",
        "Output kind p_outkind: 0 = float32, 1 = uint8 (0 or 1, for comparisons).",
        "Op codes are mirrored in org.jgrad.cuda.PtxOps; a unit test parses the \"op N NAME\" lines.",
    ]) + "\n" + JG_EXP + "\n" + binary() + "\n" + unary() + "\n" + where()
