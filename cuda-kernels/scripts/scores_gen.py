"""Score kernels (used by gen_metric_ptx.py). They reproduce org.jgrad.backend.MetricMath
operation by operation: every add, mul and div is IEEE round-to-nearest (.rn, never fused into
an fma), so the doubles equal the CPU reference's bit for bit. Count sums are integers below
2^53, exact in any order."""

SEG_DOC = """
// seg_scores: binary scores of every counts row and of the micro row, on the device, so
// compute() copies only the doubles it returns. counts u64 [rows, 4] = tp, fp, fn, tn.
// out f64 [9, rows + 1]: score m of row g at m*(rows+1) + g; g = rows is the micro row
// (counts summed over all rows, then scored). m follows BinaryScoreSpec.Metric: 0 IoU,
// 1 F-beta, 2 accuracy, 3 precision, 4 recall, 5 specificity, 6 balanced accuracy,
// 7 prevalence, 8 predicted rate, with
// MetricMath.binaryScore's formulas; eps is the LEGACY smoothing (0 for SMP style) and with
// smp != 0 a NaN (0/0) score becomes zeroDivision. Any grid; one thread per row.
"""


def seg_metric_code(sink=None):
    """The nine scores of (tp, fp, fn, tn) in f64 registers, each left in v (0/0 -> zd in SMP
    style) and handed to sink(m): by default stored at out[m * (rows + 1) + g]."""
    s = []
    A = s.append

    def store(m):
        A("\tsetp.nan.and.f64 pR, v, v, pSmp;")
        A("\tselp.f64 v, zd, v, pR;")
        if sink is not None:
            A(sink(m))
            return
        A(f"\tmad.lo.u64 o, rows1, {m * 8}, gOff;")
        A("\tadd.u64 o, pO, o;")
        A("\tst.global.f64 [o], v;")
    # IoU
    A("\tadd.rn.f64 n, tp, e;\n\tadd.rn.f64 d, tp, fp;\n\tadd.rn.f64 d, d, fn;\n\tadd.rn.f64 d, d, e;\n\tdiv.rn.f64 v, n, d;")
    store(0)
    # F-beta: ((1 + b2) * tp + e) / ((1 + b2) * tp + b2 * fn + fp + e)
    A("\tadd.rn.f64 q, one, b2;\n\tmul.rn.f64 t, q, tp;\n\tadd.rn.f64 n, t, e;\n\tmul.rn.f64 t2, b2, fn;"
      "\n\tadd.rn.f64 d, t, t2;\n\tadd.rn.f64 d, d, fp;\n\tadd.rn.f64 d, d, e;\n\tdiv.rn.f64 v, n, d;")
    store(1)
    # accuracy (no eps)
    A("\tadd.rn.f64 n, tp, tn;\n\tadd.rn.f64 d, tp, fp;\n\tadd.rn.f64 d, d, fn;\n\tadd.rn.f64 d, d, tn;\n\tdiv.rn.f64 v, n, d;")
    store(2)
    # precision
    A("\tadd.rn.f64 n, tp, e;\n\tadd.rn.f64 d, tp, fp;\n\tadd.rn.f64 d, d, e;\n\tdiv.rn.f64 v, n, d;")
    store(3)
    # recall (kept in rec for balanced accuracy)
    A("\tadd.rn.f64 n, tp, e;\n\tadd.rn.f64 d, tp, fn;\n\tadd.rn.f64 d, d, e;\n\tdiv.rn.f64 rec, n, d;\n\tmov.f64 v, rec;")
    store(4)
    # specificity
    A("\tadd.rn.f64 n, tn, e;\n\tadd.rn.f64 d, tn, fp;\n\tadd.rn.f64 d, d, e;\n\tdiv.rn.f64 spec, n, d;\n\tmov.f64 v, spec;")
    store(5)
    # balanced accuracy = (recall + specificity) / 2, from the unreplaced values as MetricMath
    A("\tadd.rn.f64 v, rec, spec;\n\tdiv.rn.f64 v, v, 0d4000000000000000;")
    store(6)
    # prevalence (tp + fn) / (tp + fp + fn + tn), predicted rate (tp + fp) / (tp + fp + fn + tn)
    A("\tadd.rn.f64 d, tp, fp;\n\tadd.rn.f64 d, d, fn;\n\tadd.rn.f64 d, d, tn;\n\tadd.rn.f64 n, tp, fn;\n\tdiv.rn.f64 v, n, d;")
    store(7)
    A("\tadd.rn.f64 n, tp, fp;\n\tdiv.rn.f64 v, n, d;")
    store(8)
    return "\n".join(s)


def seg_scores():
    return SEG_DOC + """.visible .entry seg_scores(
\t.param .u64 counts, .param .u64 rowsParam, .param .u64 out,
\t.param .f64 epsParam, .param .f64 betaParam, .param .f64 zeroDivParam, .param .u32 smpParam
)
{
\t.reg .pred pL, pR, pSmp, pMicro;
\t.reg .u32 tmp32, smp;
\t.reg .u64 pC, pO, rows, rows1, g, gOff, a, o, k, utp, ufp, ufn, utn, x0, x1, x2, x3, step;
\t.reg .f64 e, b2, zd, one, tp, fp, fn, tn, n, d, v, q, t, t2, rec, spec;
\tld.param.u64 pC, [counts];
\tld.param.u64 rows, [rowsParam];
\tld.param.u64 pO, [out];
\tcvta.to.global.u64 pC, pC;
\tcvta.to.global.u64 pO, pO;
\tld.param.f64 e, [epsParam];
\tld.param.f64 b2, [betaParam];
\tmul.rn.f64 b2, b2, b2;
\tld.param.f64 zd, [zeroDivParam];
\tld.param.u32 smp, [smpParam];
\tsetp.ne.u32 pSmp, smp, 0;
\tmov.f64 one, 0d3FF0000000000000;
\tadd.u64 rows1, rows, 1;
\tmov.u32 tmp32, %ctaid.x;
\tcvt.u64.u32 g, tmp32;
\tmov.u32 tmp32, %ntid.x;
\tcvt.u64.u32 step, tmp32;
\tmul.lo.u64 g, g, step;
\tmov.u32 tmp32, %tid.x;
\tcvt.u64.u32 a, tmp32;
\tadd.u64 g, g, a;
\tmov.u32 tmp32, %nctaid.x;
\tcvt.u64.u32 a, tmp32;
\tmul.lo.u64 step, step, a;
ROW_LOOP:
\tsetp.gt.u64 pL, g, rows;
\t@pL bra DONE;
\tsetp.eq.u64 pMicro, g, rows;
\t@pMicro bra MICRO_SUM;
\tshl.b64 a, g, 5;
\tadd.u64 a, pC, a;
\tld.global.v2.u64 {utp, ufp}, [a];
\tld.global.v2.u64 {ufn, utn}, [a+16];
\tbra.uni SCORE;
MICRO_SUM:
\tmov.u64 utp, 0;
\tmov.u64 ufp, 0;
\tmov.u64 ufn, 0;
\tmov.u64 utn, 0;
\tmov.u64 k, 0;
\tmov.u64 a, pC;
SUM_LOOP:
\tsetp.ge.u64 pL, k, rows;
\t@pL bra SCORE;
\tld.global.v2.u64 {x0, x1}, [a];
\tld.global.v2.u64 {x2, x3}, [a+16];
\tadd.u64 utp, utp, x0;
\tadd.u64 ufp, ufp, x1;
\tadd.u64 ufn, ufn, x2;
\tadd.u64 utn, utn, x3;
\tadd.u64 a, a, 32;
\tadd.u64 k, k, 1;
\tbra.uni SUM_LOOP;
SCORE:
\tcvt.rn.f64.u64 tp, utp;
\tcvt.rn.f64.u64 fp, ufp;
\tcvt.rn.f64.u64 fn, ufn;
\tcvt.rn.f64.u64 tn, utn;
\tshl.b64 gOff, g, 3;
""" + seg_metric_code() + """
\tadd.u64 g, g, step;
\tbra.uni ROW_LOOP;
DONE:
\tret;
}
"""


REDUCE_DOC = """
// seg_scores_reduce: one value per score for the reductions that fold rows [images, classes]:
// mode 0 MACRO, 1 WEIGHTED, 2 MICRO_IMAGEWISE, 3 MACRO_IMAGEWISE, 4 WEIGHTED_IMAGEWISE, in
// MetricMath.binaryScores' loop order (one thread, so every floating sum runs in that order).
// out f64 [9] in BinaryScoreSpec.Metric order; weights f64 [classes] (modes 1 and 4) with wsum
// their sum as Java adds them. Launch one block of 32 threads; thread 0 works.
"""


def seg_scores_reduce():
    K = 9
    accs = ", ".join(f"acc{k}" for k in range(K))
    pers = ", ".join(f"per{k}" for k in range(K))
    ms = ", ".join(f"m{k}" for k in range(K))
    zero = "0d0000000000000000"
    # inner: accumulate either counts (modes 0, 1, 2: score the sum once) or scores (3, 4)
    add_per = "\n".join(f"\tadd.rn.f64 per{k}, per{k}, m{k};" for k in range(K))
    per_div = "\n".join(f"\tdiv.rn.f64 per{k}, per{k}, dn;" for k in range(K))
    per_zero = "\n".join(f"\tmov.f64 per{k}, {zero};" for k in range(K))
    acc_zero = "\n".join(f"\tmov.f64 acc{k}, {zero};" for k in range(K))
    from_m = "\n".join(f"\tmov.f64 per{k}, m{k};" for k in range(K))
    weight = "\n".join(f"\t@pW mul.rn.f64 per{k}, per{k}, wj;" for k in range(K))
    add_acc = "\n".join(f"\tadd.rn.f64 acc{k}, acc{k}, per{k};" for k in range(K))
    fin = "\n".join(f"\tdiv.rn.f64 acc{k}, acc{k}, dOuter;\n\tst.global.f64 [pO+{8 * k}], acc{k};" for k in range(K))
    score = seg_metric_code(lambda m: f"\tmov.f64 m{m}, v;")
    return REDUCE_DOC + f""".visible .entry seg_scores_reduce(
\t.param .u64 counts, .param .u64 imagesParam, .param .u64 classesParam, .param .u64 out,
\t.param .u64 weights, .param .f64 wsumParam, .param .u32 modeParam,
\t.param .f64 epsParam, .param .f64 betaParam, .param .f64 zeroDivParam, .param .u32 smpParam
)
{{
\t.reg .pred pL, pR, pSmp, pW, pSumFirst, pImg;
\t.reg .u32 tmp32, smp, mode;
\t.reg .u64 pC, pO, pWt, nImg, nCls, nOuter, nInner, a, b, row, addr, utp, ufp, ufn, utn, x0, x1, x2, x3;
\t.reg .f64 e, b2, zd, one, tp, fp, fn, tn, n, d, v, q, t, t2, rec, spec, wsum, wj, dn, dOuter;
\t.reg .f64 {accs};
\t.reg .f64 {pers};
\t.reg .f64 {ms};
\tmov.u32 tmp32, %tid.x;
\tsetp.ne.u32 pL, tmp32, 0;
\t@pL bra DONE;
\tld.param.u64 pC, [counts];
\tld.param.u64 nImg, [imagesParam];
\tld.param.u64 nCls, [classesParam];
\tld.param.u64 pO, [out];
\tld.param.u64 pWt, [weights];
\tcvta.to.global.u64 pC, pC;
\tcvta.to.global.u64 pO, pO;
\tcvta.to.global.u64 pWt, pWt;
\tld.param.f64 wsum, [wsumParam];
\tld.param.u32 mode, [modeParam];
\tld.param.f64 e, [epsParam];
\tld.param.f64 b2, [betaParam];
\tmul.rn.f64 b2, b2, b2;
\tld.param.f64 zd, [zeroDivParam];
\tld.param.u32 smp, [smpParam];
\tsetp.ne.u32 pSmp, smp, 0;
\tmov.f64 one, 0d3FF0000000000000;
\t// modes 1 and 4 weigh classes; 2 runs over images outside, classes inside; 0-2 score summed counts
\tsetp.eq.u32 pW, mode, 1;
\tsetp.eq.or.u32 pW, mode, 4, pW;
\tsetp.eq.u32 pImg, mode, 2;
\tsetp.le.u32 pSumFirst, mode, 2;
\tselp.b64 nOuter, nImg, nCls, pImg;
\tselp.b64 nInner, nCls, nImg, pImg;
\tcvt.rn.f64.u64 dOuter, nOuter;
\tcvt.rn.f64.u64 dn, nImg;
{acc_zero}
\tmov.u64 a, 0;
OUTER:
\tsetp.ge.u64 pL, a, nOuter;
\t@pL bra FINISH;
\tmov.u64 utp, 0;
\tmov.u64 ufp, 0;
\tmov.u64 ufn, 0;
\tmov.u64 utn, 0;
{per_zero}
\tmov.u64 b, 0;
INNER:
\tsetp.ge.u64 pL, b, nInner;
\t@pL bra INNER_DONE;
\t// row = image * classes + class
\tmad.lo.u64 row, b, nCls, a;
\t@pImg mad.lo.u64 row, a, nCls, b;
\tshl.b64 addr, row, 5;
\tadd.u64 addr, pC, addr;
\tld.global.v2.u64 {{x0, x1}}, [addr];
\tld.global.v2.u64 {{x2, x3}}, [addr+16];
\t@!pSumFirst bra SCORE_ROW;
\tadd.u64 utp, utp, x0;
\tadd.u64 ufp, ufp, x1;
\tadd.u64 ufn, ufn, x2;
\tadd.u64 utn, utn, x3;
\tbra.uni NEXT_INNER;
SCORE_ROW:
\tcvt.rn.f64.u64 tp, x0;
\tcvt.rn.f64.u64 fp, x1;
\tcvt.rn.f64.u64 fn, x2;
\tcvt.rn.f64.u64 tn, x3;
{score}
{add_per}
NEXT_INNER:
\tadd.u64 b, b, 1;
\tbra.uni INNER;
INNER_DONE:
\t@!pSumFirst bra IMAGEWISE_MEAN;
\tcvt.rn.f64.u64 tp, utp;
\tcvt.rn.f64.u64 fp, ufp;
\tcvt.rn.f64.u64 fn, ufn;
\tcvt.rn.f64.u64 tn, utn;
{score}
{from_m}
\tbra.uni WEIGH;
IMAGEWISE_MEAN:
{per_div}
WEIGH:
\t@!pW bra ACCUMULATE;
\tshl.b64 addr, a, 3;
\tadd.u64 addr, pWt, addr;
\tld.global.f64 wj, [addr];
\tdiv.rn.f64 wj, wj, wsum;
{weight}
ACCUMULATE:
{add_acc}
\tadd.u64 a, a, 1;
\tbra.uni OUTER;
FINISH:
{fin}
DONE:
\tret;
}}
"""


CONF_DOC = """
// confusion_scores: scores of a u64 [C, C] histogram (rows true, columns predicted), equal to
// MetricMath.confusionScores. out f64:
//   [0] accuracy, [1] balanced accuracy,
//   [2 + k] MACRO, [6 + k] WEIGHTED, [10 + k] MICRO average of k: 0 precision, 1 recall,
//   2 F-beta, 3 IoU (MACRO IoU is the mean IoU); [14] total count; [15] classes in the macro mean
//   [16 + j*C + c] per class c of j: 0 true count, 1 predicted count, 2 tp, 3 precision,
//   4 recall, 5 F-beta, 6 IoU.
// A 0/0 per-class score is zeroDivision (F-beta: 0 when b2*P + R = 0), as scikit-learn.
// absentExclude != 0: a class with no true and no predicted pixel is left out of the macro
// means (Absent.EXCLUDE). One block: its threads take classes, thread 0 then folds them in class
// order, so every floating sum runs in the reference's order.
"""


def per_class(tp, tru, pred, dst):
    """precision, recall, F-beta, IoU of (tp, tru, pred) into dst[0..3] registers (MetricMath.perClass)."""
    P, R, F, I = dst
    return f"""\tsetp.eq.f64 pZ, {pred}, 0d0000000000000000;
\tdiv.rn.f64 {P}, {tp}, {pred};
\tselp.f64 {P}, zd, {P}, pZ;
\tsetp.eq.f64 pZ, {tru}, 0d0000000000000000;
\tdiv.rn.f64 {R}, {tp}, {tru};
\tselp.f64 {R}, zd, {R}, pZ;
\tadd.rn.f64 t, {tru}, {pred};
\tsub.rn.f64 t, t, {tp};
\tsetp.eq.f64 pZ, t, 0d0000000000000000;
\tdiv.rn.f64 {I}, {tp}, t;
\tselp.f64 {I}, zd, {I}, pZ;
\tmul.rn.f64 t, b2, {P};
\tadd.rn.f64 t, t, {R};
\tadd.rn.f64 t2, one, b2;
\tmul.rn.f64 t2, t2, {P};
\tmul.rn.f64 t2, t2, {R};
\tdiv.rn.f64 {F}, t2, t;
\tsetp.eq.f64 pZ, t, 0d0000000000000000;
\tselp.f64 {F}, 0d0000000000000000, {F}, pZ;"""


def confusion_scores():
    def st(idx_expr_reg, val):
        return f"\tst.global.f64 [{idx_expr_reg}], {val};"
    return CONF_DOC + """.visible .entry confusion_scores(
\t.param .u64 hist, .param .u32 classes, .param .u64 out, .param .f64 zeroDivParam,
\t.param .f64 betaParam, .param .u32 absentExclude
)
{
\t.reg .pred pL, pZ, pX, pRow;
\t.reg .u32 tid, nThreads, C, c, j, absent;
\t.reg .u64 pH, pO, a, o, urow, ucol, utp, v, C64, c64, j64, regionBytes;
\t.reg .f64 zd, b2, one, t, t2, tru, pred, tp, P, R, F, I, total, stp, spred, bsum, present, used;
\t.reg .f64 mP, mR, mF, mI, wP, wR, wF, wI, x;
\tld.param.u64 pH, [hist];
\tld.param.u32 C, [classes];
\tld.param.u64 pO, [out];
\tcvta.to.global.u64 pH, pH;
\tcvta.to.global.u64 pO, pO;
\tld.param.f64 zd, [zeroDivParam];
\tld.param.f64 b2, [betaParam];
\tmul.rn.f64 b2, b2, b2;
\tld.param.u32 absent, [absentExclude];
\tmov.f64 one, 0d3FF0000000000000;
\tcvt.u64.u32 C64, C;
\tshl.b64 regionBytes, C64, 3;
\tmov.u32 tid, %tid.x;
\tmov.u32 nThreads, %ntid.x;
\tmov.u32 c, tid;
CLASS_LOOP:
\tsetp.ge.u32 pL, c, C;
\t@pL bra FOLD_START;
\tcvt.u64.u32 c64, c;
\tmov.u64 urow, 0;
\tmov.u64 ucol, 0;
\tmov.u32 j, 0;
SUM_LOOP:
\tsetp.ge.u32 pL, j, C;
\t@pL bra SUM_DONE;
\tcvt.u64.u32 j64, j;
\tmad.lo.u64 a, c64, C64, j64;
\tshl.b64 a, a, 3;
\tadd.u64 a, pH, a;
\tld.global.u64 v, [a];
\tadd.u64 urow, urow, v;
\tmad.lo.u64 a, j64, C64, c64;
\tshl.b64 a, a, 3;
\tadd.u64 a, pH, a;
\tld.global.u64 v, [a];
\tadd.u64 ucol, ucol, v;
\tadd.u32 j, j, 1;
\tbra.uni SUM_LOOP;
SUM_DONE:
\tmad.lo.u64 a, c64, C64, c64;
\tshl.b64 a, a, 3;
\tadd.u64 a, pH, a;
\tld.global.u64 utp, [a];
\tcvt.rn.f64.u64 tru, urow;
\tcvt.rn.f64.u64 pred, ucol;
\tcvt.rn.f64.u64 tp, utp;
""" + per_class("tp", "tru", "pred", ["P", "R", "F", "I"]) + """
\tshl.b64 o, c64, 3;
\tadd.u64 o, o, 128;
\tadd.u64 o, pO, o;
\tst.global.f64 [o], tru;
\tadd.u64 o, o, regionBytes;
\tst.global.f64 [o], pred;
\tadd.u64 o, o, regionBytes;
\tst.global.f64 [o], tp;
\tadd.u64 o, o, regionBytes;
\tst.global.f64 [o], P;
\tadd.u64 o, o, regionBytes;
\tst.global.f64 [o], R;
\tadd.u64 o, o, regionBytes;
\tst.global.f64 [o], F;
\tadd.u64 o, o, regionBytes;
\tst.global.f64 [o], I;
\tadd.u32 c, c, nThreads;
\tbra.uni CLASS_LOOP;
FOLD_START:
\tbar.sync 0;  // every class is written before thread 0 folds them
\tsetp.ne.u32 pL, tid, 0;
\t@pL bra DONE;
\tmov.f64 total, 0d0000000000000000;
\tmov.f64 stp, total;
\tmov.f64 spred, total;
\tmov.f64 bsum, total;
\tmov.f64 present, total;
\tmov.f64 used, total;
\tmov.f64 mP, total;
\tmov.f64 mR, total;
\tmov.f64 mF, total;
\tmov.f64 mI, total;
\tmov.f64 wP, total;
\tmov.f64 wR, total;
\tmov.f64 wF, total;
\tmov.f64 wI, total;
\tmov.u32 c, 0;
FOLD:
\tsetp.ge.u32 pL, c, C;
\t@pL bra FOLD_DONE;
\tcvt.u64.u32 c64, c;
\tshl.b64 o, c64, 3;
\tadd.u64 o, o, 128;
\tadd.u64 o, pO, o;
\tld.global.f64 tru, [o];
\tadd.u64 o, o, regionBytes;
\tld.global.f64 pred, [o];
\tadd.u64 o, o, regionBytes;
\tld.global.f64 tp, [o];
\tadd.u64 o, o, regionBytes;
\tld.global.f64 P, [o];
\tadd.u64 o, o, regionBytes;
\tld.global.f64 R, [o];
\tadd.u64 o, o, regionBytes;
\tld.global.f64 F, [o];
\tadd.u64 o, o, regionBytes;
\tld.global.f64 I, [o];
\tadd.rn.f64 total, total, tru;
\tadd.rn.f64 stp, stp, tp;
\tadd.rn.f64 spred, spred, pred;
\tsetp.gt.f64 pRow, tru, 0d0000000000000000;
\tdiv.rn.f64 x, tp, tru;
\t@pRow add.rn.f64 bsum, bsum, x;
\t@pRow add.rn.f64 present, present, 0d3FF0000000000000;
\t// excluded: absent from targets and predictions, when absentExclude
\tsetp.eq.f64 pX, tru, 0d0000000000000000;
\tsetp.eq.and.f64 pX, pred, 0d0000000000000000, pX;
\tsetp.ne.and.u32 pX, absent, 0, pX;
\t@!pX add.rn.f64 mP, mP, P;
\t@!pX add.rn.f64 mR, mR, R;
\t@!pX add.rn.f64 mF, mF, F;
\t@!pX add.rn.f64 mI, mI, I;
\t@!pX add.rn.f64 used, used, 0d3FF0000000000000;
\tmul.rn.f64 x, tru, P;
\tadd.rn.f64 wP, wP, x;
\tmul.rn.f64 x, tru, R;
\tadd.rn.f64 wR, wR, x;
\tmul.rn.f64 x, tru, F;
\tadd.rn.f64 wF, wF, x;
\tmul.rn.f64 x, tru, I;
\tadd.rn.f64 wI, wI, x;
\tadd.u32 c, c, 1;
\tbra.uni FOLD;
FOLD_DONE:
""" + "\n".join([
        ratio("stp", "total", 0), ratio("bsum", "present", 8),
        ratio("mP", "used", 16), ratio("mR", "used", 24), ratio("mF", "used", 32), ratio("mI", "used", 40),
        ratio("wP", "total", 48), ratio("wR", "total", 56), ratio("wF", "total", 64), ratio("wI", "total", 72),
    ]) + "\n" + per_class("stp", "total", "spred", ["P", "R", "F", "I"]) + """
\tst.global.f64 [pO+80], P;
\tst.global.f64 [pO+88], R;
\tst.global.f64 [pO+96], F;
\tst.global.f64 [pO+104], I;
\tst.global.f64 [pO+112], total;
\tst.global.f64 [pO+120], used;
DONE:
\tret;
}
"""


def ratio(num, den, off):
    """out[off] = den == 0 ? zd : num / den"""
    return (f"\tsetp.eq.f64 pZ, {den}, 0d0000000000000000;\n\tdiv.rn.f64 x, {num}, {den};\n"
            f"\tselp.f64 x, zd, x, pZ;\n\tst.global.f64 [pO+{off}], x;")
