package org.jgrad.optim;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Learning-rate sequences worked out by hand (powers of two, so most are exact in binary). */
class SchedulerHandComputedTest {

    private static SGD sgd(double lr) { return new SGD(List.of(Tensor.zeros(1).requiresGrad(true)), lr); }

    /** Rate after construction, then after each of the following steps. */
    private static double[] sequence(SGD o, LRScheduler s, int steps) {
        double[] out = new double[steps + 1];
        out[0] = o.paramGroups().get(0).lr();
        for (int e = 1; e <= steps; e++) {
            o.step();
            s.step();
            out[e] = o.paramGroups().get(0).lr();
        }
        return out;
    }

    @Test
    void stepLrHalvesEveryThreeEpochs() {
        SGD o = sgd(1.0);
        assertArrayEquals(new double[]{1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125}, sequence(o, new StepLR(o, 3, 0.5), 9));
    }

    @Test
    void multiStepLrCountsRepeatedMilestones() {
        SGD o = sgd(1.0);
        // milestone 5 listed twice: gamma^2 there
        assertArrayEquals(new double[]{1, 1, 0.5, 0.5, 0.5, 0.125, 0.125, 0.125},
                sequence(o, new MultiStepLR(o, new int[]{5, 2, 5}, 0.5), 7));
    }

    @Test
    void exponentialLrMultipliesEveryEpoch() {
        SGD o = sgd(1.0);
        assertArrayEquals(new double[]{1, 0.5, 0.25, 0.125, 0.0625}, sequence(o, new ExponentialLR(o, 0.5), 4));
    }

    @Test
    void linearWarmupReachesTheBaseRateAndHolds() {
        SGD o = sgd(1.0);
        // factor 0.25 -> 1 over 3 epochs: 0.25, 0.5, 0.75, 1, then 1
        assertArrayEquals(new double[]{0.25, 0.5, 0.75, 1, 1, 1}, sequence(o, new LinearLR(o, 0.25, 1.0, 3), 5), 1e-15);
    }

    @Test
    void cosineAnnealingFollowsTheHalfCosineAndComesBack() {
        SGD o = sgd(1.0);
        double r = Math.sqrt(2) / 2;
        // eta_t = (1 + cos(pi t / 4)) / 2 for t = 0..8: down to 0 at T_max, back to 1 at 2 T_max
        double[] want = {1, (1 + r) / 2, 0.5, (1 - r) / 2, 0, (1 - r) / 2, 0.5, (1 + r) / 2, 1};
        assertArrayEquals(want, sequence(o, new CosineAnnealingLR(o, 4, 0.0), 8), 1e-15);
    }

    @Test
    void chainedFormsMultiplyIntoARateChangedByHand() {
        SGD o = sgd(1.0);
        StepLR s = new StepLR(o, 2, 0.5);
        o.step();
        s.step(); // epoch 1: 1
        o.paramGroups().get(0).lr(10); // the user changes the rate between epochs
        o.step();
        s.step(); // epoch 2: 10 * 0.5
        assertEquals(5.0, o.paramGroups().get(0).lr());
        assertArrayEquals(new double[]{5.0}, s.lastLr());
    }

    @Test
    void lambdaLrScalesTheBaseRate() {
        SGD o = sgd(0.5);
        assertArrayEquals(new double[]{0, 0.5, 1, 1.5}, sequence(o, new LambdaLR(o, e -> e), 3));
    }

    @Test
    void sequentialWarmupThenDecayRestartsTheSecondAtItsEpochZero() {
        SGD o = sgd(1.0);
        LinearLR warm = new LinearLR(o, 0.5, 1.0, 2);
        ExponentialLR decay = new ExponentialLR(o, 0.5);
        SequentialLR s = new SequentialLR(o, List.of(warm, decay), new int[]{2});
        // 0.5, 0.75 (warm-up), then at the milestone the decay starts from the base rate: 1, 0.5, 0.25
        assertArrayEquals(new double[]{0.5, 0.75, 1, 0.5, 0.25}, sequence(o, s, 4));
    }

    @Test
    void chainedSchedulerAppliesBothFactors() {
        SGD o = sgd(1.0);
        ChainedScheduler s = new ChainedScheduler(List.of(new ExponentialLR(o, 0.5), new StepLR(o, 2, 0.5)));
        // exponential halves every epoch, step halves again at epochs 2 and 4
        assertArrayEquals(new double[]{1, 0.5, 0.125, 0.0625, 0.015625}, sequence(o, s, 4));
    }

    @Test
    void plateauReducesAfterPatienceAndCountsSmallImprovementsAsBad() {
        SGD o = sgd(1.0);
        ReduceLROnPlateau p = ReduceLROnPlateau.builder(o).patience(1).factor(0.5).threshold(0.1).build();
        // best 1; 0.95 is within 10% of 1 (not better): bad 1; 0.95 again: bad 2 > 1 -> 0.5;
        // 0.8 < 0.9: better; 0.8, 0.8: bad 1, bad 2 -> 0.25
        double[] metrics = {1, 0.95, 0.95, 0.8, 0.8, 0.8};
        double[] want = {1, 1, 0.5, 0.5, 0.5, 0.25};
        for (int e = 0; e < metrics.length; e++) {
            p.step(metrics[e]);
            assertEquals(want[e], o.paramGroups().get(0).lr(), "epoch " + e);
        }
        assertEquals(0.8, p.best());
    }

    @Test
    void plateauCooldownIgnoresBadEpochsThenFloorsAtMinLr() {
        SGD o = sgd(1.0);
        ReduceLROnPlateau p = ReduceLROnPlateau.builder(o).patience(0).cooldown(2).factor(0.5).minLr(0.3).build();
        // 1: better; then always bad: reduce at e1 (0.5), cooldown e2, e3; reduce at e4 to max(0.25, 0.3) = 0.3;
        // cooldown e5, e6; at e7 max(0.15, 0.3) = 0.3 is no reduction
        double[] want = {1, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3};
        for (int e = 0; e < want.length; e++) {
            p.step(1.0);
            assertEquals(want[e], o.paramGroups().get(0).lr(), "epoch " + e);
        }
    }
}
