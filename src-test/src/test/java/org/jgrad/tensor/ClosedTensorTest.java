package org.jgrad.tensor;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A closed tensor stays closed: no method brings it back (detach() used to, failing later with a NullPointerException). */
class ClosedTensorTest {
    private static Map<String, Consumer<Tensor>> uses() {
        Map<String, Consumer<Tensor>> m = new LinkedHashMap<>();
        m.put("detach", Tensor::detach);
        m.put("raw", Tensor::raw);
        m.put("storage", Tensor::storage);
        m.put("shape", Tensor::shape);
        m.put("size", t -> t.size(0));
        m.put("dim", Tensor::dim);
        m.put("numel", Tensor::numel);
        m.put("strides", Tensor::strides);
        m.put("offset", Tensor::offset);
        m.put("dtype", Tensor::dtype);
        m.put("device", Tensor::device);
        m.put("isContiguous", Tensor::isContiguous);
        m.put("requiresGrad", Tensor::requiresGrad);
        m.put("requiresGrad(true)", t -> t.requiresGrad(true));
        m.put("grad", Tensor::grad);
        m.put("gradFn", Tensor::gradFn);
        m.put("isLeaf", Tensor::isLeaf);
        m.put("item", Tensor::item);
        m.put("toFloatArray", Tensor::toFloatArray);
        m.put("to(dtype)", t -> t.to(DType.FLOAT64));
        m.put("clone", Tensor::clone);
        m.put("reshape", t -> t.reshape(2, 3));
        m.put("view", t -> t.view(6));
        m.put("t", Tensor::t);
        m.put("slice", t -> t.slice(0, 0, 1));
        m.put("select", t -> t.select(0, 0));
        m.put("unsqueeze", t -> t.unsqueeze(0));
        m.put("expand", t -> t.expand(2, 2, 3));
        m.put("add", t -> t.add(1));
        m.put("mul(tensor)", t -> t.mul(Tensor.ones(3)));
        m.put("exp", Tensor::exp);
        m.put("eq", t -> t.eq(0));
        m.put("sum", Tensor::sum);
        m.put("max(dim)", t -> t.max(0));
        m.put("softmax", t -> t.softmax(1));
        m.put("matmul", t -> t.matmul(Tensor.ones(3, 2)));
        m.put("fill_", t -> t.fill_(1));
        m.put("add_", t -> t.add_(Tensor.ones(3)));
        m.put("copy_", t -> t.copy_(Tensor.ones(2, 3)));
        m.put("backward", Tensor::backward);
        return m;
    }

    @Test
    void everyUseOfAClosedTensorThrowsNamingTheClose() {
        for (Map.Entry<String, Consumer<Tensor>> use : uses().entrySet()) {
            Tensor t = Tensor.ones(2, 3);
            t.close();
            Throwable e;
            try {
                use.getValue().accept(t);
                fail(use.getKey() + " of a closed tensor did not throw");
                return;
            } catch (IllegalStateException ex) {
                e = ex;
            }
            assertTrue(e.getMessage().contains("used after close()"), use.getKey() + ": " + e.getMessage());
        }
    }

    @Test
    void closeIsClosedAndToStringStillWork() {
        Tensor t = Tensor.ones(2, 3);
        t.close();
        assertDoesNotThrow(t::close);
        assertTrue(t.isClosed());
        assertTrue(t.toString().contains("<closed>"), t.toString());
    }

    @Test
    void aViewOfAFreedStorageCannotBeMade() {
        Tensor t = Tensor.ones(3);
        Storage s = t.storage();
        t.close();
        assertThrows(IllegalStateException.class, () -> new Tensor(s, 3));
    }
}
