package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.Tensor;

/** In-place updates (no autograd), for optimizers, metrics and initialisation. Each checks the target first. */
public final class InPlace {
    private InPlace() {}

    /** self += o (o broadcast to self's shape). */
    public static Tensor add(Tensor self, Tensor o) { return Elementwise.inPlace(BinaryOp.ADD, self, o); }

    public static Tensor sub(Tensor self, Tensor o) { return Elementwise.inPlace(BinaryOp.SUB, self, o); }

    public static Tensor mul(Tensor self, Tensor o) { return Elementwise.inPlace(BinaryOp.MUL, self, o); }

    public static Tensor mul(Tensor self, double s) {
        self.checkInPlace();
        Backends.of(self.device()).unary(UnaryOp.MUL_SCALAR, self.raw(), self.raw(), s, 0);
        return self;
    }

    public static Tensor fill(Tensor self, double v) {
        self.checkInPlace();
        Backends.of(self.device()).fill(self.raw(), v);
        return self;
    }

    /** Copies {@code src} (moved to self's device, broadcast, cast) into self's elements. */
    public static Tensor copy(Tensor self, Tensor src) {
        self.checkInPlace();
        if (!src.device().equals(self.device())) src = src.to(self.device());
        Backends.of(self.device()).copy(Views.broadcastTo(src, self.shape()).raw(), self.raw());
        return self;
    }
}
