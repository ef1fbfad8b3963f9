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
 *
 * <h2>Semantics worth knowing</h2>
 * <ul>
 * <li>Thresholds are strict: predicted positive means {@code p > threshold} (smp's legacy metrics,
 *     torchmetrics). smp's newer {@code get_stats} uses {@code >=}; the two differ only for values
 *     exactly equal to the threshold. The threshold is rounded to float32 first, as PyTorch does.</li>
 * <li>Dice = F1 = 2|A∩B| / (|A| + |B|) = 2tp / (2tp + fp + fn). The seed computed "Dice" with
 *     Jaccard's formula |A∩B| / |A∪B|, which is IoU; Dice = 2 IoU / (1 + IoU) is always >= IoU.</li>
 * <li>Where eps goes (smp legacy): added to numerator and denominator, so an empty prediction of an
 *     empty mask scores 1; smp's newer functions instead replace 0/0 by {@code zero_division}
 *     (default 1.0). Formulas: {@link org.jgrad.metrics.ScoreFormulas}.</li>
 * <li>Confusion-matrix scores follow scikit-learn 1.2 ({@code zero_division}, averages none / micro /
 *     macro / weighted); a class absent from targets and predictions is either left out of macro
 *     means ({@code Absent.EXCLUDE}, the default, as torchmetrics' Jaccard) or scored zero_division
 *     ({@code Absent.ZERO_DIVISION}, scikit-learn with {@code labels=range(C)}). An ignored label
 *     enters no count and no denominator.</li>
 * <li>Pixel accuracy is misleading when the foreground is rare: {@link org.jgrad.metrics.SegmentationScores#report()}
 *     says so with the numbers.</li>
 * </ul>
 */
package org.jgrad.metrics;
