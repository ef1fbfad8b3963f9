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
 *     {@link org.jgrad.metrics.SegmentationMetrics}, {@link org.jgrad.metrics.MetricCollection}. State
 *     is an INT64 tensor on the device of the first batch, outside every {@code Scope}; {@code compute()}
 *     derives the scores on that device and copies only the resulting doubles.</li>
 * </ul>
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
 * specificity)/2. Reductions ({@link org.jgrad.metrics.BinaryScoring}), with w'_c = w_c/Σw:
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
 * (sqrt(N² - Σ true_c²)·sqrt(N² - Σ pred_c²)), 0 when the denominator is 0.
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
 * <h2>Ranking scores: torchmetrics 1.x, exact mode</h2>
 * {@link org.jgrad.metrics.Ranking}: binary AUROC = Σ_{i pos, j neg} ([s_i > s_j] + ½[s_i == s_j]) / (P·N)
 * (the trapezoidal area through tie groups), 0 when a class is absent; average precision =
 * (1/P) Σ_{i pos} TP(s_i)/K(s_i) (step sum over distinct thresholds, no interpolation), NaN
 * without positives. Multiclass/multilabel, top-k and the binned variants are not offered yet.
 *
 * <h2>Other semantics worth knowing</h2>
 * <ul>
 * <li>Dice = F1 = 2|A∩B| / (|A| + |B|); Dice = 2 IoU / (1 + IoU) is always >= IoU.</li>
 * <li>Pixel accuracy is misleading when the foreground is rare: {@link org.jgrad.metrics.SegmentationScores#report()}
 *     says so with the numbers.</li>
 * </ul>
 */
package org.jgrad.metrics;
