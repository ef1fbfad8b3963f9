"""confusion.ptx templates (used by gen_metric_ptx.py)."""

DOC = """
// confusion_logits_f32_<target>: argmax over C fused with the C x C histogram, one pass.
//
// Logits are seen as R rows of L positions: logit (r, c, s) lies at
//   logits + r*lSN + c*lSC + s*lSS elements, the label (r, s) at targ + r*tSN + s*tSS.
// ([N,C,H,W]: R = N, L = H*W, lSS = 1; [N,C]: R = 1, L = N, lSS = lSN.) Work units are
// (row, chunk) pairs taken in a grid-stride loop, as in seg_stats.
// Per position: the first index of the largest logit (strict >, so the first wins on ties);
// a NaN logit wins and stops the search, as the CPU argmax (PyTorch's rule). The label y:
//   hasIgnore && y == ignore : skipped
//   y outside [0, C)         : counted in bad[0], never written to a bin
//   otherwise                : bin y*C + argmax (rows true, columns predicted) += 1
// Bins: with copies = K > 0 the block keeps K sub-histograms of C*C u32 counters in dynamic
// shared memory (warp w writes copy w % K, K a power of two), so a dominant class does not
// make every warp wait on one counter; within a warp, lanes with equal bins are merged first
// (match.any.sync: one leader adds the popcount). At the end the block adds each nonzero bin,
// summed over its copies, to the u64 histogram with one atomic. With K = 0 (C*C too large for
// shared memory) the warp-merged counts go straight to global 64-bit atomics.
// With vec != 0 (lSS = tSS = 1, lSC % 4 = 0, labels co-aligned: checked by the launcher)
// each thread takes 4 positions per step with 16-byte logit loads, two classes in flight.
"""

LABELS_DOC = """
// confusion_labels_<pred>_<target>: the C x C histogram from predicted labels (any integer
// dtype) and target labels: rows R of L positions, label (r, s) at base + r*SN + s*SS.
// Ignore and bins as above; a prediction outside [0, C) is counted in bad[0] too.
"""

LOAD = {"u8": "ld.global.u8", "s32": "ld.global.u32", "s64": "ld.global.u64"}
RTY = {"u8": "u32", "s32": "u32", "s64": "u64"}
SIZE = {"u8": 1, "s32": 4, "s64": 8}


def classify(t, y, key_pred, tag, label_pred=None):
    """Sets pK (bin valid) and key, counts bad. key_pred: register holding the argmax (u32)."""
    w = RTY[t]
    s = []
    ign = "ign64" if w == "u64" else "ign32"
    s.append(f"setp.eq.and.{w} pIg, {y}, {ign}, pHasIg;")
    s.append(f"setp.lt.and.{w} pK, {y}, {'C64' if w == 'u64' else 'C'}, !pIg;")
    if label_pred is not None:
        s.append(f"setp.lt.and.u32 pK, {key_pred}, C, pK;")
    s.append("or.pred pT0b, pK, pIg;")
    s.append("@!pT0b add.u32 cBad, cBad, 1;")
    if w == "u64":
        s.append(f"cvt.u32.u64 ylo, {y};")
        s.append(f"mad.lo.u32 key, ylo, C, {key_pred};")
    else:
        s.append(f"mad.lo.u32 key, {y}, C, {key_pred};")
    s.append("selp.u32 key, key, -1, pK;")
    return "\n".join("\t" + x for x in s) + "\n" + hist_add(tag)


def hist_add(tag):
    return f"""\tactivemask.b32 am;
\tmatch.any.sync.b32 mm, key, am;
\tmov.u32 lt, %lanemask_lt;
\tand.b32 lt, mm, lt;
\tsetp.eq.and.u32 pLead, lt, 0, pK;
\t@!pLead bra {tag}_done;
\tpopc.b32 cnt, mm;
\t@pGlobal bra {tag}_glob;
\tmad.lo.u32 sa, key, 4, myCopy;
\tred.shared.add.u32 [sa], cnt;
\tbra.uni {tag}_done;
{tag}_glob:
\tmul.wide.u32 ga, key, 8;
\tadd.u64 ga, pHist, ga;
\tcvt.u64.u32 c64, cnt;
\tred.global.add.u64 [ga], c64;
{tag}_done:"""


def argmax_update(best, idx, v, c):
    # replace when v > best or v is NaN, unless best is already NaN (first NaN wins)
    return (f"\tsetp.gtu.f32 pG, {v}, {best};\n\tsetp.num.and.f32 pG, {best}, {best}, pG;\n"
            f"\t@pG mov.f32 {best}, {v};\n\t@pG mov.u32 {idx}, {c};")




def shared_setup():
    return """\t// shared sub-histograms: zero them; warp w uses copy w & (K-1)
\tsetp.eq.u32 pGlobal, K, 0;
\tmov.u32 sBase, sHist;
\tmul.lo.u32 CC, C, C;
\t@pGlobal bra SH_READY;
\tmul.lo.u32 tmp32, K, CC;
\tmov.u32 i32, tid;
SH_ZERO:
\tsetp.ge.u32 pL, i32, tmp32;
\t@pL bra SH_ZERO_DONE;
\tmad.lo.u32 sa, i32, 4, sBase;
\tst.shared.u32 [sa], 0;
\tadd.u32 i32, i32, nThreads;
\tbra.uni SH_ZERO;
SH_ZERO_DONE:
\tbar.sync 0;
SH_READY:
\tadd.u32 tmp32, K, -1;
\tand.b32 tmp32, warp, tmp32;
\tmul.lo.u32 tmp32, tmp32, CC;
\tmad.lo.u32 myCopy, tmp32, 4, sBase;"""


def flush(block_sum):
    return """FLUSH:
\tbar.sync 0;
\t@pGlobal bra FLUSH_DONE;
\tmov.u32 i32, tid;
FLUSH_LOOP:
\tsetp.ge.u32 pL, i32, CC;
\t@pL bra FLUSH_DONE;
\tmov.u64 v64, 0;
\tmov.u32 kk, 0;
\tmad.lo.u32 sa, i32, 4, sBase;
FLUSH_SUM:
\tld.shared.u32 tmp32, [sa];
\tcvt.u64.u32 tmp64, tmp32;
\tadd.u64 v64, v64, tmp64;
\tmad.lo.u32 sa, CC, 4, sa;
\tadd.u32 kk, kk, 1;
\tsetp.lt.u32 pL, kk, K;
\t@pL bra FLUSH_SUM;
\tsetp.eq.u64 pZ, v64, 0;
\tmul.wide.u32 ga, i32, 8;
\tadd.u64 ga, pHist, ga;
\t@!pZ red.global.add.u64 [ga], v64;
\tadd.u32 i32, i32, nThreads;
\tbra.uni FLUSH_LOOP;
FLUSH_DONE:
""" + block_sum(["cBad"], "sRed", "BAD") + """
\tsetp.ne.u32 pW, tid, 0;
\t@pW bra EXIT;
\tsetp.eq.u32 pZ, cBad, 0;
\tsetp.eq.or.u64 pZ, pBad, 0, pZ;
\t@pZ bra EXIT;
\tcvta.to.global.u64 ga, pBad;
\tcvt.u64.u32 v64, cBad;
\tred.global.add.u64 [ga], v64;
EXIT:
\tret;
}"""


def unit_header():
    return """\tmov.u32 tmp32, %ctaid.x;
\tcvt.u64.u32 u, tmp32;
\tmul.lo.u64 nUnits, nRows, cpr;
UNIT_LOOP:
\tsetp.ge.u64 pU, u, nUnits;
\t@pU bra FLUSH;
\tdiv.u64 r, u, cpr;
\tmul.lo.u64 tmp64, r, cpr;
\tsub.u64 kc, u, tmp64;
\tmul.lo.u64 s, kc, cLen;
\tadd.u64 e, s, cLen;
\tmin.u64 e, e, L;
\tsub.u64 tmp64, e, s;
\tcvt.u32.u64 n32, tmp64;"""


def unit_footer():
    return """NEXT_UNIT:
\tmov.u32 tmp32, %nctaid.x;
\tcvt.u64.u32 tmp64, tmp32;
\tadd.u64 u, u, tmp64;
\tbra.uni UNIT_LOOP;"""


def logits_entry(t, common_regs, block_sum):
    size = SIZE[t]
    w = RTY[t]
    name = f"confusion_logits_f32_{t}"
    L = []
    A = L.append
    params = [".param .u64 logits", ".param .u64 targ", ".param .u64 hist", ".param .u64 badPtr",
              ".param .u64 rows", ".param .u64 rowLen", ".param .u64 chunksPerRow", ".param .u64 chunkLen",
              ".param .u32 classes", ".param .u64 lSNp", ".param .u64 lSCp", ".param .u64 lSSp",
              ".param .u64 tSNp", ".param .u64 tSSp", ".param .u32 hasIgnore", ".param .u64 ignoreBits",
              ".param .u32 copies", ".param .u32 vec"]
    A(f".visible .entry {name}(\n\t" + ",\n\t".join(params) + "\n)\n{")
    A(common_regs())
    A("""\t.reg .pred pHasIg, pVec, pGlobal, pIg, pK, pLead, pG, pL, pU, pZ, pC2;
\t.reg .u32 C, K, CC, sBase, myCopy, sa, am, mm, lt, cnt, key, ylo, cBad, n32, h32, nv32, j, i32, tail32, c, kk, hasIg, vecFlag, ign32;
\t.reg .u32 idx0, idx1, idx2, idx3, w0;
\t.reg .u64 pLog, pTarg, pHist, pBad, nRows, L, cpr, cLen, lSN, lSC, lSS, tSN, tSS, ignBits, ign64, C64;
\t.reg .u64 u, nUnits, r, kc, s, e, rowL, rowT, aL, aT, aC, ga, c64, v64, stepC, bodyL, bodyT;
\t.reg .f32 best0, best1, best2, best3, v0, v1, v2, v3, q0, q1, q2, q3;""")
    A(f"\t.reg .{w} y0, y1, y2, y3;")
    A("\t.shared .align 4 .b32 sRed[32];")
    A("""\tld.param.u64 pLog, [logits];
\tld.param.u64 pTarg, [targ];
\tld.param.u64 pHist, [hist];
\tld.param.u64 pBad, [badPtr];
\tcvta.to.global.u64 pLog, pLog;
\tcvta.to.global.u64 pTarg, pTarg;
\tcvta.to.global.u64 pHist, pHist;
\tld.param.u64 nRows, [rows];
\tld.param.u64 L, [rowLen];
\tld.param.u64 cpr, [chunksPerRow];
\tld.param.u64 cLen, [chunkLen];
\tld.param.u32 C, [classes];
\tcvt.u64.u32 C64, C;
\tld.param.u64 lSN, [lSNp];
\tld.param.u64 lSC, [lSCp];
\tld.param.u64 lSS, [lSSp];
\tld.param.u64 tSN, [tSNp];
\tld.param.u64 tSS, [tSSp];
\tld.param.u32 hasIg, [hasIgnore];
\tsetp.ne.u32 pHasIg, hasIg, 0;
\tld.param.u64 ignBits, [ignoreBits];
\tmov.u64 ign64, ignBits;
\tcvt.u32.u64 ign32, ignBits;
\tld.param.u32 K, [copies];
\tld.param.u32 vecFlag, [vec];
\tsetp.ne.u32 pVec, vecFlag, 0;
\tshl.b64 stepC, lSC, 2;
\tmov.u32 cBad, 0;""")
    A(shared_setup())
    A(unit_header())
    A(f"""\tmul.lo.u64 rowL, r, lSN;
\tmad.lo.u64 rowL, s, lSS, rowL;
\tshl.b64 rowL, rowL, 2;
\tadd.u64 rowL, pLog, rowL;
\tmul.lo.u64 rowT, r, tSN;
\tmad.lo.u64 rowT, s, tSS, rowT;
\tmul.lo.u64 rowT, rowT, {size};
\tadd.u64 rowT, pTarg, rowT;
\t@!pVec bra SCALAR;
\tshr.u64 tmp64, rowL, 2;
\tcvt.u32.u64 h32, tmp64;
\tneg.s32 h32, h32;
\tand.b32 h32, h32, 3;
\tmin.u32 h32, h32, n32;
\tsub.u32 tmp32, n32, h32;
\tshr.u32 nv32, tmp32, 2;
\t// head (scalar, threads 0..h-1)
\tsetp.ge.u32 pL, tid, h32;
\t@pL bra HEAD_DONE;
\tmul.wide.u32 tmp64, tid, 4;
\tadd.u64 aL, rowL, tmp64;
\tmul.wide.u32 tmp64, tid, {size};
\tadd.u64 aT, rowT, tmp64;""")
    A(scalar_position(t, "HEAD"))
    A(f"""HEAD_DONE:
\tmul.wide.u32 tmp64, h32, 4;
\tadd.u64 bodyL, rowL, tmp64;
\tmul.wide.u32 tmp64, h32, {size};
\tadd.u64 bodyT, rowT, tmp64;
\tmov.u32 j, tid;
VEC_LOOP:
\tsetp.ge.u32 pL, j, nv32;
\t@pL bra TAIL;
\tmul.wide.u32 tmp64, j, 16;
\tadd.u64 aC, bodyL, tmp64;
\tmul.wide.u32 tmp64, j, {4 * size};
\tadd.u64 aT, bodyT, tmp64;""")
    # labels first (independent of the class loop, so their load is in flight early)
    if t == "u8":
        A("\tld.global.u32 w0, [aT];")
    elif t == "s32":
        A("\tld.global.v4.u32 {y0, y1, y2, y3}, [aT];")
    else:
        A("\tld.global.v2.u64 {y0, y1}, [aT];\n\tld.global.v2.u64 {y2, y3}, [aT+16];")
    A("""\tld.global.v4.f32 {best0, best1, best2, best3}, [aC];
\tmov.u32 idx0, 0;
\tmov.u32 idx1, 0;
\tmov.u32 idx2, 0;
\tmov.u32 idx3, 0;
\tmov.u32 c, 1;
CLS2:
\tadd.u32 tmp32, c, 1;
\tsetp.ge.u32 pL, tmp32, C;
\t@pL bra CLS1;
\tadd.u64 aC, aC, stepC;
\tld.global.v4.f32 {v0, v1, v2, v3}, [aC];
\tadd.u64 aC, aC, stepC;
\tld.global.v4.f32 {q0, q1, q2, q3}, [aC];""")
    for k in range(4):
        A(argmax_update(f"best{k}", f"idx{k}", f"v{k}", "c"))
    for k in range(4):
        A(argmax_update(f"best{k}", f"idx{k}", f"q{k}", "tmp32"))
    A("""\tadd.u32 c, c, 2;
\tbra.uni CLS2;
CLS1:
\tsetp.ge.u32 pL, c, C;
\t@pL bra CLS_DONE;
\tadd.u64 aC, aC, stepC;
\tld.global.v4.f32 {v0, v1, v2, v3}, [aC];""")
    for k in range(4):
        A(argmax_update(f"best{k}", f"idx{k}", f"v{k}", "c"))
    A("CLS_DONE:")
    if t == "u8":
        for k in range(4):
            A(f"\tbfe.u32 y{k}, w0, {8 * k}, 8;")
    for k in range(4):
        A(classify(t, f"y{k}", f"idx{k}", f"VH{k}"))
    A(f"""\tadd.u32 j, j, nThreads;
\tbra.uni VEC_LOOP;
TAIL:
\tshl.b32 tail32, nv32, 2;
\tadd.u32 tail32, tail32, h32;
\tsub.u32 tmp32, n32, tail32;
\tsetp.ge.u32 pL, tid, tmp32;
\t@pL bra NEXT_UNIT;
\tadd.u32 i32, tail32, tid;
\tmul.wide.u32 tmp64, i32, 4;
\tadd.u64 aL, rowL, tmp64;
\tmul.wide.u32 tmp64, i32, {size};
\tadd.u64 aT, rowT, tmp64;""")
    A(scalar_position(t, "TAILP"))
    A(f"""\tbra.uni NEXT_UNIT;
SCALAR:
\tmov.u32 i32, tid;
SCALAR_LOOP:
\tsetp.ge.u32 pL, i32, n32;
\t@pL bra NEXT_UNIT;
\tcvt.u64.u32 tmp64, i32;
\tmul.lo.u64 tmp64, tmp64, lSS;
\tshl.b64 tmp64, tmp64, 2;
\tadd.u64 aL, rowL, tmp64;
\tcvt.u64.u32 tmp64, i32;
\tmul.lo.u64 tmp64, tmp64, tSS;
\tmul.lo.u64 tmp64, tmp64, {size};
\tadd.u64 aT, rowT, tmp64;""")
    A(scalar_position(t, "SC"))
    A("""\tadd.u32 i32, i32, nThreads;
\tbra.uni SCALAR_LOOP;""")
    A(unit_footer())
    A(flush(block_sum))
    return "\n".join(L)


def scalar_position(t, tag):
    """argmax over C at logit address aL (class step stepC) and the label at aT."""
    return f"""\t{LOAD[t]} y0, [aT];
\tld.global.f32 best0, [aL];
\tmov.u32 idx0, 0;
\tmov.u64 aC, aL;
\tmov.u32 c, 1;
{tag}_CLS:
\tsetp.ge.u32 pC2, c, C;
\t@pC2 bra {tag}_CLS_DONE;
\tadd.u64 aC, aC, stepC;
\tld.global.f32 v0, [aC];
{argmax_update("best0", "idx0", "v0", "c")}
\tadd.u32 c, c, 1;
\tbra.uni {tag}_CLS;
{tag}_CLS_DONE:
{classify(t, "y0", "idx0", tag + "_H")}"""


def labels_entry(p, t, common_regs, block_sum):
    name = f"confusion_labels_{p}_{t}"
    L = []
    A = L.append
    params = [".param .u64 preds", ".param .u64 targ", ".param .u64 hist", ".param .u64 badPtr",
              ".param .u64 rows", ".param .u64 rowLen", ".param .u64 chunksPerRow", ".param .u64 chunkLen",
              ".param .u32 classes", ".param .u64 pSNp", ".param .u64 pSSp",
              ".param .u64 tSNp", ".param .u64 tSSp", ".param .u32 hasIgnore", ".param .u64 ignoreBits",
              ".param .u32 copies"]
    A(f".visible .entry {name}(\n\t" + ",\n\t".join(params) + "\n)\n{")
    A(common_regs())
    A(f"""\t.reg .pred pHasIg, pGlobal, pIg, pK, pLead, pL, pU, pZ, pPR;
\t.reg .u32 C, K, CC, sBase, myCopy, sa, am, mm, lt, cnt, key, ylo, cBad, n32, i32, kk, hasIg, ign32, pl;
\t.reg .u64 pPred, pTarg, pHist, pBad, nRows, L, cpr, cLen, pSN, pSS, tSN, tSS, ignBits, ign64, C64;
\t.reg .u64 u, nUnits, r, kc, s, e, rowP, rowT, aP, aT, ga, c64, v64;
\t.reg .{RTY[t]} y0;
\t.reg .{RTY[p]} x0;
\t.shared .align 4 .b32 sRed[32];
\tld.param.u64 pPred, [preds];
\tld.param.u64 pTarg, [targ];
\tld.param.u64 pHist, [hist];
\tld.param.u64 pBad, [badPtr];
\tcvta.to.global.u64 pPred, pPred;
\tcvta.to.global.u64 pTarg, pTarg;
\tcvta.to.global.u64 pHist, pHist;
\tld.param.u64 nRows, [rows];
\tld.param.u64 L, [rowLen];
\tld.param.u64 cpr, [chunksPerRow];
\tld.param.u64 cLen, [chunkLen];
\tld.param.u32 C, [classes];
\tcvt.u64.u32 C64, C;
\tld.param.u64 pSN, [pSNp];
\tld.param.u64 pSS, [pSSp];
\tld.param.u64 tSN, [tSNp];
\tld.param.u64 tSS, [tSSp];
\tld.param.u32 hasIg, [hasIgnore];
\tsetp.ne.u32 pHasIg, hasIg, 0;
\tld.param.u64 ignBits, [ignoreBits];
\tmov.u64 ign64, ignBits;
\tcvt.u32.u64 ign32, ignBits;
\tld.param.u32 K, [copies];
\tmov.u32 cBad, 0;""")
    A(shared_setup())
    A(unit_header())
    A(f"""\tmul.lo.u64 rowP, r, pSN;
\tmad.lo.u64 rowP, s, pSS, rowP;
\tmul.lo.u64 rowP, rowP, {SIZE[p]};
\tadd.u64 rowP, pPred, rowP;
\tmul.lo.u64 rowT, r, tSN;
\tmad.lo.u64 rowT, s, tSS, rowT;
\tmul.lo.u64 rowT, rowT, {SIZE[t]};
\tadd.u64 rowT, pTarg, rowT;
\tmov.u32 i32, tid;
LOOP:
\tsetp.ge.u32 pL, i32, n32;
\t@pL bra NEXT_UNIT;
\tcvt.u64.u32 tmp64, i32;
\tmul.lo.u64 tmp64, tmp64, pSS;
\tmad.lo.u64 aP, tmp64, {SIZE[p]}, rowP;
\tcvt.u64.u32 tmp64, i32;
\tmul.lo.u64 tmp64, tmp64, tSS;
\tmad.lo.u64 aT, tmp64, {SIZE[t]}, rowT;
\t{LOAD[p]} x0, [aP];
\t{LOAD[t]} y0, [aT];""")
    # prediction in range -> pl = prediction as u32, else pl = C (fails the range check below)
    if RTY[p] == "u64":
        A("\tsetp.lt.u64 pPR, x0, C64;\n\tcvt.u32.u64 pl, x0;\n\tselp.u32 pl, pl, C, pPR;")
    else:
        A("\tsetp.lt.u32 pPR, x0, C;\n\tselp.u32 pl, x0, C, pPR;")
    A(classify(t, "y0", "pl", "LH", label_pred=True))
    A("""\tadd.u32 i32, i32, nThreads;
\tbra.uni LOOP;""")
    A(unit_footer())
    A(flush(block_sum))
    return "\n".join(L)


def confusion_file(header, block_sum, common_regs, int_types):
    parts = [header, DOC, "// the sub-histograms; the launcher sizes it (copies * C * C * 4 bytes)\n.extern .shared .align 16 .b8 sHist[];\n"]
    for t in ["u8", "s32", "s64"]:
        parts.append(logits_entry(t, common_regs, block_sum))
        parts.append("")
    parts.append(LABELS_DOC)
    for p in ["u8", "s32", "s64"]:
        for t in ["u8", "s32", "s64"]:
            parts.append(labels_entry(p, t, common_regs, block_sum))
            parts.append("")
    return "\n".join(parts)
