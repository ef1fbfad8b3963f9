package org.jgrad.nn;

import org.jgrad.nn.loss.DiceLoss;
import org.jgrad.nn.loss.Losses;
import org.jgrad.nn.loss.Reduction;
import org.jgrad.ops.Concat;
import org.jgrad.ops.Dropout;
import org.jgrad.ops.Normalization;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.*;

/** Wrong input gives a clear exception whose message names the offending shapes or values. */
class BadInputTest {
    private static void throwsWith(Class<? extends Throwable> type, Executable e, String... fragments) {
        Throwable t = assertThrows(type, e);
        for (String f : fragments) assertTrue(t.getMessage().contains(f), "message '" + t.getMessage() + "' lacks '" + f + "'");
    }

    @Test
    void mismatchedShapes() {
        throwsWith(IllegalArgumentException.class, () -> Tensor.ones(2, 3).add(Tensor.ones(4)), "[2, 3]", "[4]");
        throwsWith(IllegalArgumentException.class, () -> Tensor.ones(2, 3).matmul(Tensor.ones(2, 3)), "[2, 3]", "2x3");
        throwsWith(IllegalArgumentException.class, () -> Concat.cat(0, Tensor.ones(2, 3), Tensor.ones(2, 4)), "[2, 3]", "[2, 4]");
        throwsWith(IllegalArgumentException.class, () -> Concat.stack(0, Tensor.ones(2, 3), Tensor.ones(3, 2)), "[2, 3]", "[3, 2]");
        throwsWith(IllegalArgumentException.class, () -> Losses.mseLoss(Tensor.ones(2, 3), Tensor.ones(3, 2)), "[2, 3]", "[3, 2]");
        throwsWith(IllegalArgumentException.class, () -> Losses.binaryCrossEntropyWithLogits(Tensor.ones(2, 3), Tensor.ones(2)), "[2]", "[2, 3]");
        throwsWith(IllegalArgumentException.class,
                () -> Losses.binaryCrossEntropyWithLogits(Tensor.ones(2, 3), Tensor.ones(2, 3), null, Tensor.ones(2), Reduction.MEAN), "pos_weight", "[2]");
        throwsWith(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.ones(4, 3), Tensor.fromArray(new long[3], 3)), "[4, 3]", "[3]");
        throwsWith(IllegalArgumentException.class, () -> new Linear(3, 2).forward(Tensor.ones(5, 4)), "[5, 4]", "3");
        throwsWith(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.ones(2, 4, 2, 2)), "3 channels", "[2, 4, 2, 2]");
        throwsWith(IllegalArgumentException.class,
                () -> Normalization.batchNorm(Tensor.ones(2, 3), null, null, Tensor.ones(4), null, true, 0.1, 1e-5), "weight", "[3]", "[4]");
    }

    @Test
    void wrongDtypes() {
        Tensor f64 = Tensor.ones(DType.FLOAT64, Device.cpu(), 2, 2);
        throwsWith(IllegalArgumentException.class, () -> Tensor.ones(2, 2).matmul(f64), "FLOAT32", "FLOAT64");
        throwsWith(IllegalArgumentException.class, () -> Concat.cat(0, Tensor.ones(2, 2), f64), "FLOAT32", "FLOAT64");
        throwsWith(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.ones(2, 3), Tensor.ones(2)), "FLOAT32", "integer");
        throwsWith(IllegalArgumentException.class, () -> Tensor.fromArray(new long[]{1}, 1).requiresGrad(true), "INT64");
        throwsWith(IllegalArgumentException.class, () -> Dropout.dropout(Tensor.fromArray(new int[]{1, 2}, 2), 0.5, true, null), "INT32");
    }

    @Test
    void targetsOutOfRangeNameTheValue() {
        throwsWith(IndexOutOfBoundsException.class,
                () -> Losses.crossEntropy(Tensor.zeros(3, 4), Tensor.fromArray(new long[]{0, 7, 1}, 3)), "7", "4 classes");
        throwsWith(IndexOutOfBoundsException.class,
                () -> Losses.crossEntropy(Tensor.zeros(3, 4), Tensor.fromArray(new long[]{0, -1, 1}, 3)), "-1");
        throwsWith(IndexOutOfBoundsException.class,
                () -> Losses.diceLoss(Tensor.zeros(1, 3, 2, 2), Tensor.fromArray(new long[]{0, 1, 5, 2}, 1, 2, 2), DiceLoss.Mode.MULTICLASS), "5", "3 classes");
    }

    @Test
    void argumentValuesOutOfRange() {
        throwsWith(IllegalArgumentException.class, () -> Dropout.dropout(Tensor.ones(3), 1.5, true, new Generator(1)), "1.5");
        throwsWith(IllegalArgumentException.class, () -> new org.jgrad.nn.Dropout(-0.1), "-0.1");
        throwsWith(IllegalArgumentException.class,
                () -> Losses.crossEntropy(Tensor.ones(2, 3), Tensor.fromArray(new long[2], 2), null, -100, Reduction.MEAN, 1.2), "1.2");
        throwsWith(IllegalArgumentException.class, () -> Normalization.batchNorm(Tensor.ones(1, 3), null, null, null, null, true, 0.1, 1e-5),
                "more than 1 value per channel", "[1, 3]");
        throwsWith(IllegalArgumentException.class, () -> Normalization.batchNorm(Tensor.ones(2, 3), null, null, null, null, false, 0.1, 1e-5),
                "eval");
        throwsWith(IllegalArgumentException.class, () -> new BatchNorm2d(0), "0");
    }

    @Test
    void backwardErrors() {
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        throwsWith(IllegalStateException.class, () -> x.mul(2.0).backward(), "[2, 3]", "scalar");
        // through a non-differentiable path: argmax/comparisons carry no gradient
        Tensor viaArgmax = x.argmax(1).to(DType.FLOAT32).sum();
        throwsWith(IllegalStateException.class, viaArgmax::backward, "does not require grad");
        Tensor viaCompare = x.gt(0.5).to(DType.FLOAT32).sum();
        throwsWith(IllegalStateException.class, viaCompare::backward, "does not require grad");
        throwsWith(IllegalArgumentException.class, () -> x.mul(2.0).backward(Tensor.ones(3, 2)), "[3, 2]", "[2, 3]");
    }
}
