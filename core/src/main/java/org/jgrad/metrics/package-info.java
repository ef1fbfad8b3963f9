/**
 * Metrics: the confusion matrix, classification scores and segmentation scores, computed where
 * the tensors live.
 *
 * <h2>Two layers</h2>
 * <ul>
 * <li>Functional: {@link org.jgrad.metrics.BinaryStats} (tp, fp, fn, tn in one pass, like
 *     {@code smp.metrics.get_stats}), {@link org.jgrad.metrics.Confusion} (the C x C histogram, argmax
 *     fused in), {@link org.jgrad.metrics.Scores} and {@link org.jgrad.metrics.LegacyMetrics} (the
 *     scores of segmentation_models_pytorch's {@code metrics} functions and of its legacy
 *     {@code utils.metrics} classes).</li>
 * <li>Stateful and mergeable ({@link org.jgrad.metrics.Metric}): {@link org.jgrad.metrics.ConfusionMatrix},
 *     {@link org.jgrad.metrics.ConfusionScore}, {@link org.jgrad.metrics.SegmentationMetrics},
 *     {@link org.jgrad.metrics.BinaryScore}, {@link org.jgrad.metrics.MetricCollection}. State
 *     is INT64 tensors on the device of the first batch, outside every {@code Scope}; {@code compute()}
 *     derives the scores on that device and copies only the resulting doubles.</li>
 * </ul>
 *
 * <h2>Declared states: reset, merge and sync for free</h2>
 * Every stateful metric extends {@link org.jgrad.metrics.StatefulMetric} and declares its states
 * once ({@link org.jgrad.metrics.StateDeclaration}: name, dtype, shape — a -1 dimension fixed by
 * the first update — or CAT, the {@link org.jgrad.metrics.StateReduction} SUM, MIN, MAX or CAT,
 * and the initial value), as torchmetrics' {@code add_state(..., dist_reduce_fx=...)}. From the
 * declarations alone come {@code reset} (back to the initial values), {@code merge} (SUM adds,
 * MIN/MAX take element-wise extremes, CAT appends; only between metrics counting the same
 * statistics: same statistics key and declarations) and {@code sync(StateReducer)} (each state
 * all-reduced, or all-gathered for CAT, in declaration order, on the states' device). The
 * counting metrics declare: ConfusionMatrix and ConfusionScore the INT64 [C, C] histogram and an
 * INT64 [1] bad-label count, both SUM; SegmentationMetrics and BinaryScore the INT64
 * [rows, 4] tp/fp/fn/tn counters, SUM. {@code sync} <em>replaces</em> the local state by the
 * global one (torchmetrics restores the local state after compute instead): afterwards every
 * rank's {@code compute()} gives the global result, any number of times, and update, merge and a
 * second sync are refused until {@code reset()}, since they would count other ranks twice. A rank
 * that saw no batch joins with initial-valued states on the CPU when every shape is declared
 * (ConfusionMatrix); a deferred shape (SegmentationMetrics' rows) needs an update on every rank.
 *
 * <h2>Collections and compute groups</h2>
 * {@link org.jgrad.metrics.MetricCollection} finds members that count the same statistics (equal
 * statistics keys and declarations: every BinaryScore and SegmentationMetrics with one
 * {@code BinaryStatsSpec}, every ConfusionScore and ConfusionMatrix with one number of classes and
 * ignore index) and lets them share one state, so an update runs the counting kernel once per
 * group — Dice, IoU, precision, recall and accuracy from one tp/fp/fn/tn pass, every
 * classification score from one confusion matrix — and each member computes its own scores from
 * the shared counts, exactly as if updated alone. Groups form among members without state at the
 * first update after an add; merge and sync act once per group.
 *
 * <h2>Named results</h2>
 * Results are records with named components ({@link org.jgrad.metrics.ConfusionResult},
 * {@link org.jgrad.metrics.SegmentationScores}, {@link org.jgrad.metrics.ClassificationReport}) or
 * {@link org.jgrad.metrics.ScoreValues}, scores looked up by their enum ({@code get(FSCORE)}, or
 * {@code perRow(IOU)} for a NONE reduction): {@code BinaryStats.score}, {@code Confusion.score},
 * {@code ConfusionMatrix.score}, BinaryScore and ConfusionScore. The positional
 * {@code double[] scores(...)} methods remain, deprecated, for existing callers.
 * The backend only counts; every score is one formula, written once, with tensor ops on the
 * counts' device ({@link org.jgrad.metrics.ScoreFormulas}, {@link org.jgrad.metrics.BinaryScoring},
 * {@link org.jgrad.metrics.ConfusionScoring}).
 *
 * <h2>Deciding positive: the threshold rule</h2>
 * {@code BinaryStatsSpec.Rule}: {@code GREATER} ({@code p > t}: smp's legacy {@code utils.metrics}
 * and torchmetrics; the default of {@code BinaryStatsSpec.logits()}/{@code probabilities()} and so
 * of {@link org.jgrad.metrics.LegacyMetrics}) or {@code GREATER_EQUAL} ({@code p >= t}: smp
 * 0.3.x's {@code get_stats}; the default of {@code new SegmentationMetrics()} and of
 * {@code BinaryStatsSpec.getStats(t)}). The two differ only for values exactly at the threshold.
 * t is rounded to float32 first, as PyTorch compares a float32 tensor with a Python float; with a
 * sigmoid, p is the exact sigmoid of the logit (the kernels compare the logit with a cutoff: the
 * smallest float above, or at or above, logit(t)); NaN is never positive. The rule is printed by
 * {@code BinaryStatsSpec.toString()}, {@code SegmentationMetrics.toString()} and the report.
 *
 * <h2>Binary scores from tp, fp, fn, tn: segmentation_models_pytorch 0.3.2 - 0.3.4</h2>
 * {@code metrics.functional} (Style SMP, no eps): IoU = tp/(tp+fp+fn); F-beta =
 * (1+b²)tp/((1+b²)tp + b²fn + fp), Dice = F1; accuracy = (tp+tn)/(tp+fp+fn+tn); precision =
 * tp/(tp+fp); recall = tp/(tp+fn); specificity = tn/(tn+fp); balanced accuracy = (recall +
 * specificity)/2 (zero_division when either ratio is 0/0: smp replaces the NaN sum). Prevalence
 * = (tp+fn)/all and predicted rate = (tp+fp)/all are jgrad's own report figures (no library; 0/0
 * as any SMP-style score, NaN in the LEGACY style). Reductions ({@link org.jgrad.metrics.BinaryScoring}), with w'_c = w_c/Σw:
 * MICRO scores the summed counts and, as smp, leaves 0/0 NaN whatever zero_division is
 * ({@code BinaryScoreSpec.withMicroZeroDivision(true)} or
 * {@code SegmentationMetrics.microZeroDivision(true)} substitute zero_division there instead);
 * every other reduction first replaces a 0/0 by zero_division (default 1.0; NaN allowed, as smp);
 * MACRO = Σ_c w'_c s_c / C (the plain mean without weights); WEIGHTED = Σ_c w'_c s_c (since smp
 * 0.3.2; 0.3.1 divided by C again); MICRO_IMAGEWISE = mean over images of the per-image score;
 * MACRO_IMAGEWISE and WEIGHTED_IMAGEWISE = Σ_c w'_c m_c / C with m_c the mean over images.
 * Legacy {@code utils.functional} (Style LEGACY, on counts after thresholding): eps added to
 * numerator and denominator (default 1e-7), so an empty prediction of an empty mask scores 1 and
 * 0/0 with eps 0 is NaN; accuracy has no eps. Legacy with {@code threshold=None}
 * ({@code LegacyMetrics.soft*}): the same eps formulas on soft sums Σ gt·pr, Σ pr, Σ gt, and
 * accuracy = #(gt == pr)/n ({@code ScoreFormulas.legacySoft}); jgrad sums in float64 (smp in float32).
 *
 * <h2>Confusion-matrix scores: scikit-learn 1.2</h2>
 * tp_c = M[c][c], true_c = row sum, pred_c = column sum, N = ΣM. Per class: precision = tp/pred_c,
 * recall = tp/true_c, IoU (jaccard_score) = tp/(true_c + pred_c - tp), specificity =
 * tn/(tn + fp) (imbalanced-learn's specificity_score), each zero_division when 0/0 (0 or 1, as
 * sklearn 1.2; its "warn" acts as 0); F-beta (fbeta_score, any beta) = (1+b²)PR/(b²P + R), 0 when
 * that denominator is 0. Averages: MICRO pools the counts, MACRO means over classes, WEIGHTED
 * weighs by true_c. A class absent from targets and predictions is left out of MACRO
 * ({@code Absent.EXCLUDE}, the default: sklearn without {@code labels}) or scored zero_division
 * ({@code Absent.ZERO_DIVISION}: sklearn with {@code labels=range(C)}). Accuracy = Σtp/N.
 * balanced_accuracy_score = mean recall over the k classes with true_c > 0; adjusted=True:
 * (b - 1/k)/(1 - 1/k). cohen_kappa_score = 1 - Σ W∘M / Σ W∘E, E = outer(true, pred)/N, W = 1 off
 * the diagonal, |i-j| (linear) or (i-j)² (quadratic) over class indices 0..C-1 (labels=range(C));
 * NaN when chance agreement is perfect. matthews_corrcoef = (Σtp·N - Σ true_c pred_c) /
 * (sqrt(N² - Σ true_c²)·sqrt(N² - Σ pred_c²)), 0 when the denominator is 0. Balanced accuracy
 * with no class present in the targets is zero_division; its adjusted form divides by
 * 1 - 1/k, which is 0 for k = 1 (then NaN, or -inf when b < 1, as sklearn's numpy division). An empty matrix (sklearn raises on empty input;
 * jgrad's rule) scores zero_division everywhere except kappa (NaN) and MCC (0).
 * {@link org.jgrad.metrics.ClassificationReport} prints classification_report's text character for
 * character and gives its output_dict. An ignored label enters no count and no denominator.
 * zero_division NaN (scikit-learn 1.3's exclusion rule) is not offered.
 *
 * <h2>Multiclass segmentation</h2>
 * {@link org.jgrad.metrics.ConfusionMatrix} fed logits [N, C, ...] counts the argmax (first maximum,
 * NaN as the maximum, as torch.argmax) fused with the histogram, skipping ignoreIndex; per-class
 * Dice = F1 = 2tp/(2tp + fp + fn) and IoU, and mean IoU over classes (absent classes as above) come
 * from {@link org.jgrad.metrics.ConfusionResult}.
 *
 * <h2>Ranking scores: torchmetrics 1.9 (rules unchanged since 1.4), checked against scikit-learn 1.2</h2>
 * {@link org.jgrad.metrics.Ranking} (one batch), {@link org.jgrad.metrics.Auroc},
 * {@link org.jgrad.metrics.AveragePrecision} and {@link org.jgrad.metrics.TopKAccuracy} (stateful), set up
 * by a {@link org.jgrad.metrics.RankingSpec}: task BINARY ([N, ...] scores, 0/1 targets), MULTICLASS
 * one-vs-rest ([N, C, ...] scores, [N, ...] labels) or MULTILABEL ([N, C, ...], 0/1); extra
 * dimensions are samples. Scores are ranked as given (torchmetrics first applies a sigmoid or
 * softmax when a score leaves [0, 1]: apply it before calling to reproduce that).
 * <ul>
 * <li>Exact ({@code thresholds} null): per class, the (score, label) pairs are sorted once and every
 *     distinct score is a threshold (ties form one; -0.0 = 0.0). With TP_g, FP_g the positives and
 *     negatives scoring >= the g-th highest distinct score, P and N their totals:
 *     AUROC = Σ_g (FP_g - FP_{g-1})(TP_g + TP_{g-1}) / (2PN) (the trapezoid through (0, 0); equals
 *     the Mann-Whitney statistic with ties counted ½); AP = Σ_g (TP_g - TP_{g-1})/P · TP_g/(TP_g + FP_g)
 *     (step sum, no interpolation). Counts are exact, computed on the host in float64 (torchmetrics
 *     works in float32; scikit-learn agrees to 1e-12).</li>
 * <li>Binned ({@code thresholds} = n evenly spaced over [0, 1], each float32(i/(n-1)), or a
 *     non-decreasing list): a score is positive at t when score >= t (float32); the state is the
 *     [T, C, 2, 2] count table, summed over batches on the device. AUROC = the trapezoid through the T
 *     points (fpr, tpr), no extra (0, 0) point; AP = Σ_j (R_j - R_{j+1}) P_j with R_T = 0; a 0/0 rate,
 *     precision or recall counts as 0. With the distinct scores plus one threshold above them all as
 *     thresholds, binned equals exact.</li>
 * <li>State (declared, see above): exact Auroc/AveragePrecision collect the batches in two CAT
 *     states, scores FLOAT32 [M, C] and targets INT64 [M] (multiclass) or [M, C]; binned ones one
 *     SUM state, the INT64 [T, C, 2, 2] table (the thresholds are configuration); TopKAccuracy one
 *     SUM state, INT64 [3, C] tp/fp/fn. Every shape is declared, so a rank without a batch joins a
 *     sync. The statistics key is the counting configuration — the spec without its average
 *     (top-k: numClasses, k, ignoreIndex) — so an Auroc and an AveragePrecision of one spec, or
 *     top-k metrics differing only in average, merge into each other and share one compute group.</li>
 * <li>Absent classes (torchmetrics): without positives or without negatives AUROC is 0 (the rate
 *     with a 0 denominator is set to 0). Without positives, exact AP is 0 for a binary problem or a
 *     label (recall set to 1) and NaN for a multiclass class (binned: 0). A warning is logged
 *     (System.Logger "org.jgrad.metrics"), as torchmetrics warns. scikit-learn raises there instead.</li>
 * <li>Averages ({@link org.jgrad.metrics.RankingAverage}): MACRO = mean over classes whose score is
 *     not NaN (NaN ones are left out, with a warning); WEIGHTED = Σ s_c w_c / Σ w_c over the same
 *     classes, w_c = positive targets of c (0 if Σ w_c = 0); NONE = per class; MICRO (multilabel) = the
 *     binary score of all (sample, label) pairs. ignoreIndex drops those targets (per label for multilabel).</li>
 * <li>Curves ({@link org.jgrad.metrics.RocCurve}, {@link org.jgrad.metrics.PrecisionRecallCurve}):
 *     roc_curve(drop_intermediate=False) with first threshold +Infinity (scikit-learn 1.3+; 1.2 writes
 *     max + 1, torchmetrics 1.0) and rates over 0 set to 0; precision_recall_curve as scikit-learn 1.2
 *     and torchmetrics (thresholds increasing, last point (1, 0); exact recall 1 without positives;
 *     binned precision NaN where no score reaches t).</li>
 * <li>Top-k accuracy (MulticlassAccuracy(top_k=k)): a hit when the target's score is among the k
 *     highest; per class tp/(tp + fn); MICRO = hits/samples (top_k_accuracy_score); MACRO over classes
 *     with tp + fp + fn > 0 (k = 1) or tp + fn > 0 (k > 1). Ties: k = 1 takes the first maximum
 *     (torch.argmax); k > 1 ranks a tied class above the target when its index is higher
 *     (scikit-learn's rule; torch.topk leaves tie order unspecified).</li>
 * <li>NaN scores, empty input, targets outside {0, 1} (or [0, C)) other than ignoreIndex: errors.</li>
 * </ul>
 *
 * <h2>Other semantics worth knowing</h2>
 * <ul>
 * <li>Dice = F1 = 2|A∩B| / (|A| + |B|); Dice = 2 IoU / (1 + IoU) is always >= IoU.</li>
 * <li>Pixel accuracy is misleading when the foreground is rare: {@link org.jgrad.metrics.SegmentationScores#report()}
 *     says so with the numbers.</li>
 * </ul>
 */
package org.jgrad.metrics;
