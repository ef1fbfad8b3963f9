package org.jgrad.nn;

import org.jgrad.ops.Normalization;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.jgrad.testing.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** batch_norm against PyTorch 1.13 (refs/nn/make_layer_refs.py): outputs, running stats, gradients. */
class BatchNormReferenceTest {
    static void close(String what, double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * (1 + Math.abs(expected[i])), what + " element " + i);
        }
    }

    @Test
    void functionalMatchesPyTorch() {
        int checked = 0;
        for (Map<String, Object> c : Json.cases("/nn/batch_norm.json")) {
            if (!c.containsKey("training")) continue;
            String name = (String) c.get("name");
            boolean training = (Boolean) c.get("training");
            Tensor x = Json.tensor(c.get("x")).requiresGrad(true);
            Tensor w = Json.tensor(c.get("weight")).requiresGrad(true);
            Tensor b = Json.tensor(c.get("bias")).requiresGrad(true);
            Tensor rm = Json.tensor(c.get("running_mean")), rv = Json.tensor(c.get("running_var"));
            Tensor out = Normalization.batchNorm(x, rm, rv, w, b, training, (Double) c.get("momentum"), (Double) c.get("eps"));
            close(name + " out", Json.values(c.get("out")), out.toDoubleArray(), 1e-10);
            close(name + " running_mean", Json.values(c.get("running_mean_after")), rm.toDoubleArray(), 1e-12);
            close(name + " running_var", Json.values(c.get("running_var_after")), rv.toDoubleArray(), 1e-12);
            out.mul(Json.tensor(c.get("grad_weights"))).sum().backward();
            close(name + " grad x", Json.values(c.get("grad_x")), x.grad().toDoubleArray(), 1e-9);
            close(name + " grad weight", Json.values(c.get("grad_weight")), w.grad().toDoubleArray(), 1e-9);
            close(name + " grad bias", Json.values(c.get("grad_bias")), b.grad().toDoubleArray(), 1e-9);
            checked++;
        }
        assertEquals(4, checked);
    }

    @Test
    void float32PathAgreesWithReference() {
        Map<String, Object> c = Json.cases("/nn/batch_norm.json").get(0);
        Tensor x = Json.tensor(c.get("x")).to(DType.FLOAT32);
        Tensor rm = Json.tensor(c.get("running_mean")).to(DType.FLOAT32), rv = Json.tensor(c.get("running_var")).to(DType.FLOAT32);
        Tensor out = Normalization.batchNorm(x, rm, rv, Json.tensor(c.get("weight")).to(DType.FLOAT32),
                Json.tensor(c.get("bias")).to(DType.FLOAT32), true, 0.1, 1e-5);
        assertEquals(DType.FLOAT32, out.dtype());
        close("float32 out", Json.values(c.get("out")), out.toDoubleArray(), 1e-5);
        close("float32 running_var", Json.values(c.get("running_var_after")), rv.toDoubleArray(), 1e-5);
    }

    @Test
    void moduleCumulativeAverageAndEval() {
        Map<String, Object> c = Json.cases("/nn/batch_norm.json").stream().filter(m -> "module_cumulative".equals(m.get("name"))).findFirst().orElseThrow();
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, null, true, true);
        bn.forward(Json.tensor(c.get("x1")).to(DType.FLOAT32));
        bn.forward(Json.tensor(c.get("x2")).to(DType.FLOAT32));
        assertEquals(((Double) c.get("num_batches_tracked")).longValue(), (long) bn.numBatchesTracked().item());
        close("running_mean", Json.values(c.get("running_mean_after")), bn.runningMean().toDoubleArray(), 1e-5);
        close("running_var", Json.values(c.get("running_var_after")), bn.runningVar().toDoubleArray(), 1e-5);
        bn.eval();
        Tensor y = bn.forward(Json.tensor(c.get("x3")).to(DType.FLOAT32));
        close("eval out", Json.values(c.get("eval_out")), y.toDoubleArray(), 1e-5);
        assertEquals(2, (long) bn.numBatchesTracked().item(), "eval must not count batches");
    }

    @Test
    void float32WithLargeMeanAgreesWithFloat64() {
        // values around 1000 with unit spread: the float32 kernels must centre before scaling
        Tensor x64 = Tensor.randn(new org.jgrad.tensor.Generator(8), DType.FLOAT64, org.jgrad.tensor.Device.cpu(), 4, 3, 5, 5).add(1000.0);
        Tensor g64 = Tensor.randn(new org.jgrad.tensor.Generator(9), DType.FLOAT64, org.jgrad.tensor.Device.cpu(), 4, 3, 5, 5);
        Tensor x32 = x64.to(DType.FLOAT32).requiresGrad(true);
        Tensor x64leaf = x32.detach().to(DType.FLOAT64).requiresGrad(true); // the same rounded inputs
        Tensor y32 = Normalization.batchNorm(x32, null, null, null, null, true, 0.1, 1e-5);
        Tensor y64 = Normalization.batchNorm(x64leaf, null, null, null, null, true, 0.1, 1e-5);
        close("float32 out", y64.toDoubleArray(), y32.toDoubleArray(), 2e-4);
        y32.mul(g64.to(DType.FLOAT32)).sum().backward();
        y64.mul(g64).sum().backward();
        close("float32 grad", x64leaf.grad().toDoubleArray(), x32.grad().toDoubleArray(), 2e-4);
    }
}
