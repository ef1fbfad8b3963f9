package org.jgrad.bench.metrics;

import org.jgrad.metrics.Ranking;
import org.jgrad.metrics.RankingScore;
import org.jgrad.metrics.RankingSpec;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Exact AUROC and average precision (one sort per class) on the sizes of the ranking table:
 * binary n = 10^6 and multiclass one-vs-rest 10 classes x 10^5 samples (macro), plus the binned
 * binary AUROC with 100 thresholds. Scores are float32 uniform draws, targets Bernoulli(0.3) or
 * uniform labels. bench/peers/torch_ranking.py times torchmetrics' algorithm in PyTorch on the
 * same shapes (torch.sort + cumsum + trapz; the threshold loop for binned).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RankingBench {
    Tensor scores, targets, preds, labels;
    final RankingSpec multiclass = RankingSpec.multiclass(10);
    final RankingSpec binned = RankingSpec.binary().withThresholds(100);

    @Setup
    public void setup() {
        Generator g = new Generator(5);
        scores = Tensor.rand(g, 1_000_000);
        try (Tensor r = Tensor.rand(g, 1_000_000)) {
            targets = r.lt(0.3).to(DType.INT64);
        }
        preds = Tensor.rand(g, 100_000, 10);
        try (Tensor r = Tensor.rand(g, 100_000); Tensor s = r.mul(10.0)) {
            labels = s.to(DType.INT64);
        }
    }

    @Benchmark
    public double binaryAuroc1e6() { return Ranking.auroc(scores, targets); }

    @Benchmark
    public double binaryAp1e6() { return Ranking.averagePrecision(scores, targets); }

    @Benchmark
    public RankingScore multiclassAuroc10x1e5() { return Ranking.auroc(preds, labels, multiclass); }

    @Benchmark
    public RankingScore multiclassAp10x1e5() { return Ranking.averagePrecision(preds, labels, multiclass); }

    @Benchmark
    public RankingScore binnedAuroc1e6x100() { return Ranking.auroc(scores, targets, binned); }
}
