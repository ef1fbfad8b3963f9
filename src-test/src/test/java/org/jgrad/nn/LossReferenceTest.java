package org.jgrad.nn;

import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.DiceLoss;
import org.jgrad.nn.loss.Loss;
import org.jgrad.nn.loss.MSELoss;
import org.jgrad.nn.loss.Reduction;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.jgrad.testing.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.jgrad.nn.BatchNormReferenceTest.close;
import static org.junit.jupiter.api.Assertions.*;

/** Every loss with every option against PyTorch 1.13 (refs/nn/make_layer_refs.py): values and input gradients. */
class LossReferenceTest {
    private static Reduction reduction(Map<String, Object> c) {
        return Reduction.valueOf(((String) c.get("reduction")).toUpperCase());
    }

    /** Runs the criterion through the module API, compares value and d(loss·gw)/d(input). */
    private static void check(Map<String, Object> c, Loss criterion, Tensor target, double tol) {
        String name = (String) c.get("name");
        Tensor x = Json.tensor(c.get("input")).requiresGrad(true);
        Tensor out = criterion.apply(x, target);
        close(name + " value", Json.values(c.get("out")), out.toDoubleArray(), tol);
        Tensor gw = Json.tensor(c.get("grad_weights"));
        (gw == null ? out : out.mul(gw).sum()).backward();
        close(name + " grad input", Json.values(c.get("grad_input")), x.grad().toDoubleArray(), tol);
    }

    @SuppressWarnings("unchecked")
    private static Tensor longTarget(Object o) {
        Map<String, Object> m = (Map<String, Object>) o;
        List<Object> sh = (List<Object>) m.get("shape"), d = (List<Object>) m.get("data");
        int[] shape = sh.stream().mapToInt(v -> ((Double) v).intValue()).toArray();
        long[] v = d.stream().mapToLong(x -> ((Double) x).longValue()).toArray();
        return Tensor.fromArray(v, shape);
    }

    @Test
    void crossEntropyEveryOption() {
        List<Map<String, Object>> cases = Json.cases("/nn/cross_entropy.json");
        assertEquals(48, cases.size());
        for (Map<String, Object> c : cases) {
            long ignore = ((Double) c.get("ignore_index")).longValue();
            var loss = new CrossEntropyLoss(Json.tensor(c.get("weight")), ignore, reduction(c), (Double) c.get("label_smoothing"));
            check(c, loss, longTarget(c.get("target")), 1e-10);
        }
    }

    @Test
    void crossEntropyAcceptsInt32Targets() {
        Map<String, Object> c = Json.cases("/nn/cross_entropy.json").get(0);
        long[] t = longTarget(c.get("target")).toLongArray();
        int[] t32 = new int[t.length];
        for (int i = 0; i < t.length; i++) t32[i] = (int) t[i];
        var loss = new CrossEntropyLoss(Json.tensor(c.get("weight")), ((Double) c.get("ignore_index")).longValue(), reduction(c),
                (Double) c.get("label_smoothing"));
        check(c, loss, Tensor.fromArray(t32, longTarget(c.get("target")).shape()), 1e-10);
    }

    @Test
    void bceWithLogitsEveryOption() {
        List<Map<String, Object>> cases = Json.cases("/nn/bce_with_logits.json");
        assertEquals(25, cases.size());
        for (Map<String, Object> c : cases) {
            var loss = new BCEWithLogitsLoss(Json.tensor(c.get("weight")), Json.tensor(c.get("pos_weight")), reduction(c));
            check(c, loss, Json.tensor(c.get("target")), 1e-10);
        }
    }

    @Test
    void mseEveryReduction() {
        for (Map<String, Object> c : Json.cases("/nn/mse.json")) {
            check(c, new MSELoss(reduction(c)), Json.tensor(c.get("target")), 1e-12);
        }
    }

    @Test
    void diceEveryModeAndOption() {
        List<Map<String, Object>> cases = Json.cases("/nn/dice.json");
        assertEquals(12, cases.size());
        for (Map<String, Object> c : cases) {
            DiceLoss.Mode mode = DiceLoss.Mode.valueOf(((String) c.get("mode")).toUpperCase());
            var loss = new DiceLoss(mode, (Boolean) c.get("from_logits"), (Double) c.get("smooth"), (Double) c.get("eps"), (Boolean) c.get("log_loss"));
            Tensor target = mode == DiceLoss.Mode.MULTICLASS ? longTarget(c.get("target")) : Json.tensor(c.get("target"));
            check(c, loss, target, 1e-10);
        }
    }

    @Test
    void float32CrossEntropyAgrees() {
        Map<String, Object> c = Json.cases("/nn/cross_entropy.json").get(0);
        Tensor x = Json.tensor(c.get("input")).to(DType.FLOAT32);
        Tensor out = new CrossEntropyLoss().apply(x, longTarget(c.get("target")));
        assertEquals(DType.FLOAT32, out.dtype());
        close("float32 ce", Json.values(c.get("out")), out.toDoubleArray(), 1e-6);
    }

    @Test
    void float32CrossEntropyEveryOptionWithGradients() {
        // the float32 kernels against the same references, at float32 tolerance
        for (Map<String, Object> c : Json.cases("/nn/cross_entropy.json")) {
            String name = (String) c.get("name");
            Tensor w = Json.tensor(c.get("weight"));
            var loss = new CrossEntropyLoss(w == null ? null : w.to(DType.FLOAT32), ((Double) c.get("ignore_index")).longValue(), reduction(c),
                    (Double) c.get("label_smoothing"));
            Tensor x = Json.tensor(c.get("input")).to(DType.FLOAT32).requiresGrad(true);
            Tensor out = loss.apply(x, longTarget(c.get("target")));
            assertEquals(DType.FLOAT32, out.dtype());
            close(name + " f32 value", Json.values(c.get("out")), out.toDoubleArray(), 2e-6);
            Tensor gw = Json.tensor(c.get("grad_weights"));
            (gw == null ? out : out.mul(gw.to(DType.FLOAT32)).sum()).backward();
            close(name + " f32 grad", Json.values(c.get("grad_input")), x.grad().toDoubleArray(), 2e-6);
        }
    }
}
