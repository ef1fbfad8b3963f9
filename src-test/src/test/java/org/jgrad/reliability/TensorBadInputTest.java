package org.jgrad.reliability;

import org.jgrad.ops.Dropout;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.RoundingMode;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad inputs to tensor ops: each must throw the documented exception type with a message that
 * names the argument and the offending value, never compute a silently wrong result, never an
 * {@code Error}.
 */
class TensorBadInputTest {
    private record Case(String name, Class<? extends Throwable> type, Executable call, String... mustName) {}

    private static Tensor m23() { return Tensor.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 2, 3); }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("negative dimension", IllegalArgumentException.class, () -> Tensor.zeros(2, -3), "negative dimension", "[2, -3]"));
        c.add(new Case("element count overflow", IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536, 65536, 65536),
                "[65536, 65536, 65536, 65536]", "overflows"));
        c.add(new Case("more than 2^31-1 elements", IllegalArgumentException.class, () -> Tensor.zeros(DType.UINT8, Device.cpu(), 1 << 16, 1 << 16),
                "[65536, 65536]", "4294967296"));
        c.add(new Case("fromArray length", IllegalArgumentException.class, () -> Tensor.fromArray(new float[5], 2, 3), "5 values", "[2, 3]"));
        c.add(new Case("arange step 0", IllegalArgumentException.class, () -> Tensor.arange(0, 5, 0, DType.FLOAT32, Device.cpu()), "step", "non-zero"));
        c.add(new Case("reshape count", IllegalArgumentException.class, () -> m23().reshape(4, 2), "[4, 2]", "[2, 3]"));
        c.add(new Case("reshape two -1", IllegalArgumentException.class, () -> m23().reshape(-1, -1), "-1", "[-1, -1]"));
        c.add(new Case("reshape negative", IllegalArgumentException.class, () -> m23().reshape(-2, 3), "invalid dimension -2", "[-2, 3]"));
        c.add(new Case("view of strided", IllegalStateException.class, () -> m23().t().view(6), "view size [6]", "[3, 2]"));
        c.add(new Case("slice step 0", IllegalArgumentException.class, () -> m23().slice(1, 0, 2, 0), "step", "got 0"));
        c.add(new Case("select index", IndexOutOfBoundsException.class, () -> m23().select(0, 5), "index 5", "size 2"));
        c.add(new Case("transpose dim", IllegalArgumentException.class, () -> m23().transpose(0, 3), "dimension 3", "rank 2"));
        c.add(new Case("permute repeat", IllegalArgumentException.class, () -> m23().permute(0, 0), "repeated dim", "[0, 0]"));
        c.add(new Case("unsqueeze dim", IllegalArgumentException.class, () -> m23().unsqueeze(5), "dimension 5", "rank 2"));
        c.add(new Case("expand size", IllegalArgumentException.class, () -> m23().expand(4, 3), "[2, 3]", "[4, 3]"));
        c.add(new Case("t of 3-D", IllegalArgumentException.class, () -> Tensor.zeros(1, 2, 3).t(), "t()", "[1, 2, 3]"));
        c.add(new Case("broadcast", IllegalArgumentException.class, () -> m23().add(Tensor.zeros(4)), "[2, 3]", "[4]"));
        c.add(new Case("in-place broadcast", IllegalArgumentException.class, () -> m23().add_(Tensor.zeros(4)), "[4]", "[2, 3]"));
        c.add(new Case("in-place on expanded", IllegalArgumentException.class, () -> Tensor.zeros(1, 3).expand(2, 3).fill_(1),
                "in-place", "dimension 0 is expanded"));
        c.add(new Case("sum repeated dim", IllegalArgumentException.class, () -> m23().sum(new int[]{1, -1}, false), "dimension 1 repeated", "[1, -1]"));
        c.add(new Case("clamp bounds", IllegalArgumentException.class, () -> m23().clamp(2, 1), "min 2.0", "max 1.0"));
        c.add(new Case("exp of integers", IllegalArgumentException.class, () -> Tensor.arange(3).exp(), "exp", "INT64"));
        c.add(new Case("requiresGrad on integers", IllegalArgumentException.class, () -> Tensor.fromArray(new int[]{1}, 1).requiresGrad(true),
                "floating-point", "INT32"));
        c.add(new Case("item of many", IllegalStateException.class, () -> m23().item(), "item()", "[2, 3]"));
        c.add(new Case("backward of non-scalar", IllegalStateException.class, () -> m23().requiresGrad(true).mul(2).backward(),
                "scalar outputs", "[2, 3]"));
        c.add(new Case("setGrad shape", IllegalArgumentException.class, () -> m23().setGrad(Tensor.zeros(3)), "grad shape [3]", "[2, 3]"));
        c.add(new Case("matmul shapes", IllegalArgumentException.class, () -> m23().matmul(m23()), "matmul", "[2, 3]"));
        c.add(new Case("dropout p", IllegalArgumentException.class, () -> Dropout.dropout(m23(), 1.5, true, null), "probability", "1.5"));
        c.add(new Case("integer floor division by zero", ArithmeticException.class,
                () -> Tensor.fromArray(new long[]{4, 2}, 2).floorDivide(Tensor.fromArray(new long[]{2, 0}, 2)), "rounding_mode=floor", "zero"));
        c.add(new Case("integer trunc division by zero", ArithmeticException.class,
                () -> Tensor.arange(3).div(Tensor.zeros(DType.INT64, Device.cpu(), 3), RoundingMode.TRUNC), "rounding_mode=trunc", "3 zero"));
        c.add(new Case("use after close", IllegalStateException.class, () -> {
            Tensor t = m23();
            t.close();
            t.detach();
        }, "[2, 3]", "used after close()"));
        return c;
    }

    @TestFactory
    List<DynamicTest> eachBadInputThrowsNamingArgumentAndValue() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case k : cases()) {
            tests.add(DynamicTest.dynamicTest(k.name(), () -> {
                Throwable e = assertThrows(Throwable.class, k.call(), k.name());
                assertTrue(k.type().isInstance(e), k.name() + ": expected " + k.type().getSimpleName() + ", got " + e);
                for (String f : k.mustName()) {
                    assertTrue(e.getMessage() != null && e.getMessage().contains(f), k.name() + ": message lacks '" + f + "': " + e.getMessage());
                }
            }));
        }
        return tests;
    }
}
