package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.backend.FusedNn;
import org.jgrad.autograd.Autograd;
import org.jgrad.autograd.Grad;
import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Shapes;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/** Elementwise ops: each is shape/dtype rules + one backend primitive + its gradient formula. */
public final class Elementwise {
    private Elementwise() {}

    static void sameDevice(String op, Tensor a, Tensor b) {
        a.checkOpen();
        b.checkOpen();
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(op + ": expected all tensors on the same device, got " + a.device() + " and " + b.device());
        }
    }

    /** out = a op b with broadcasting and type promotion; no autograd. */
    static Tensor binaryRaw(BinaryOp op, Tensor a, Tensor b) {
        sameDevice(op.name().toLowerCase(), a, b);
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        DType dt = DType.promote(a.dtype(), b.dtype());
        Tensor x = Views.broadcastTo(cast(a, dt), shape);
        Tensor y = Views.broadcastTo(cast(b, dt), shape);
        Tensor out = Tensor.empty(op.isComparison() ? DType.UINT8 : dt, a.device(), shape);
        Backends.of(a.device()).binary(op, x.raw(), y.raw(), out.raw());
        return out;
    }

    private static Tensor cast(Tensor t, DType dt) {
        if (t.dtype() == dt) return t;
        try (var off = Grad.off()) {
            return t.to(dt);
        }
    }

    static Tensor unaryRaw(UnaryOp op, Tensor x, double a, double b) {
        x.checkOpen();
        Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
        Backends.of(x.device()).unary(op, x.raw(), out.raw(), a, b);
        return out;
    }

    private static void needFloat(String op, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + " needs a floating-point tensor, got " + t.dtype());
        }
    }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.ADD, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record(out, "add", new Tensor[]{a, b}, Autograd.SAVES_NOTHING,
                g -> new Tensor[]{Autograd.sumToShape(g, sa), Autograd.sumToShape(g, sb)});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.SUB, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record(out, "sub", new Tensor[]{a, b}, Autograd.SAVES_NOTHING,
                g -> new Tensor[]{Autograd.sumToShape(g, sa), Autograd.sumToShape(g.neg(), sb)});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.MUL, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record(out, "mul", new Tensor[]{a, b}, Autograd.saves(a, b), g -> new Tensor[]{
                a.requiresGrad() ? Autograd.sumToShape(g.mul(b), sa) : null,
                b.requiresGrad() ? Autograd.sumToShape(g.mul(a), sb) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.DIV, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record(out, "div", new Tensor[]{a, b}, Autograd.saves(a, b), g -> new Tensor[]{
                a.requiresGrad() ? Autograd.sumToShape(g.div(b), sa) : null,
                b.requiresGrad() ? Autograd.sumToShape(g.mul(a).div(b.mul(b)).neg(), sb) : null});
    }

    public static Tensor pow(Tensor a, Tensor e) {
        Tensor out = binaryRaw(BinaryOp.POW, a, e);
        int[] sa = a.shape(), se = e.shape();
        return Autograd.record(out, "pow", new Tensor[]{a, e}, Autograd.saves(a, e, out), g -> new Tensor[]{
                a.requiresGrad() ? Autograd.sumToShape(g.mul(e).mul(a.pow(e.sub(1.0))), sa) : null,
                e.requiresGrad() ? Autograd.sumToShape(g.mul(out).mul(a.log()), se) : null});
    }

    public static Tensor maximum(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.MAXIMUM, a, b);
        return minMaxGrad("maximum", a, b, out);
    }

    public static Tensor minimum(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.MINIMUM, a, b);
        return minMaxGrad("minimum", a, b, out);
    }

    // Ties split the gradient evenly, as PyTorch does.
    private static Tensor minMaxGrad(String name, Tensor a, Tensor b, Tensor out) {
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record(out, name, new Tensor[]{a, b}, Autograd.saves(a, b, out), g -> {
            Tensor ea = binaryRaw(BinaryOp.EQ, a, out).to(g.dtype());
            Tensor eb = binaryRaw(BinaryOp.EQ, b, out).to(g.dtype());
            Tensor share = g.div(ea.add(eb));
            return new Tensor[]{Autograd.sumToShape(share.mul(ea), sa), Autograd.sumToShape(share.mul(eb), sb)};
        });
    }

    public static Tensor compare(BinaryOp op, Tensor a, Tensor b) { return binaryRaw(op, a, b); }

    public static Tensor compareScalar(UnaryOp op, Tensor a, double s) {
        a.checkOpen();
        Tensor out = Tensor.empty(DType.UINT8, a.device(), a.shape());
        Backends.of(a.device()).unary(op, a.raw(), out.raw(), s, 0);
        return out;
    }

    public static Tensor addScalar(Tensor a, double s) {
        Tensor out = unaryRaw(UnaryOp.ADD_SCALAR, a, s, 0);
        return Autograd.record(out, "add", new Tensor[]{a}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g});
    }

    public static Tensor mulScalar(Tensor a, double s) {
        Tensor out = unaryRaw(UnaryOp.MUL_SCALAR, a, s, 0);
        return Autograd.record(out, "mul", new Tensor[]{a}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g.mul(s)});
    }

    /** a * s without recording (for in-place helpers). */
    public static Tensor mulScalarNoGrad(Tensor a, double s) { return unaryRaw(UnaryOp.MUL_SCALAR, a, s, 0); }

    public static Tensor neg(Tensor a) {
        Tensor out = unaryRaw(UnaryOp.NEG, a, 0, 0);
        return Autograd.record(out, "neg", new Tensor[]{a}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g.neg()});
    }

    public static Tensor pow(Tensor a, double e) {
        Tensor out = unaryRaw(UnaryOp.POW_SCALAR, a, e, 0);
        return Autograd.record(out, "pow", new Tensor[]{a}, g -> new Tensor[]{
                e == 0 ? Tensor.zerosLike(g) : g.mul(a.pow(e - 1).mul(e))});
    }

    public static Tensor exp(Tensor a) {
        needFloat("exp", a);
        Tensor out = unaryRaw(UnaryOp.EXP, a, 0, 0);
        return Autograd.record(out, "exp", new Tensor[]{a}, Autograd.saves(out), g -> new Tensor[]{g.mul(out)});
    }

    public static Tensor log(Tensor a) {
        needFloat("log", a);
        Tensor out = unaryRaw(UnaryOp.LOG, a, 0, 0);
        return Autograd.record(out, "log", new Tensor[]{a}, g -> new Tensor[]{g.div(a)});
    }

    public static Tensor sqrt(Tensor a) {
        needFloat("sqrt", a);
        Tensor out = unaryRaw(UnaryOp.SQRT, a, 0, 0);
        return Autograd.record(out, "sqrt", new Tensor[]{a}, Autograd.saves(out), g -> new Tensor[]{g.div(out.mul(2.0))});
    }

    public static Tensor abs(Tensor a) {
        Tensor out = unaryRaw(UnaryOp.ABS, a, 0, 0);
        return Autograd.record(out, "abs", new Tensor[]{a}, g -> new Tensor[]{g.mul(unaryRaw(UnaryOp.SIGN, a, 0, 0))});
    }

    public static Tensor clamp(Tensor a, double min, double max) {
        if (min > max) throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
        Tensor out = unaryRaw(UnaryOp.CLAMP, a, min, max);
        // gradient flows where min <= a <= max, as in PyTorch
        return Autograd.record(out, "clamp", new Tensor[]{a}, g -> {
            Tensor inside = compareScalar(UnaryOp.GE_SCALAR, a, min).mul(compareScalar(UnaryOp.LE_SCALAR, a, max));
            return new Tensor[]{g.mul(inside.to(g.dtype()))};
        });
    }

    public static Tensor relu(Tensor a) {
        Tensor out = unaryRaw(UnaryOp.RELU, a, 0, 0);
        return Autograd.record(out, "relu", new Tensor[]{a}, Autograd.saves(out),
                g -> new Tensor[]{reluGrad(g, out)});
    }

    /** g * (out > 0), in one fused pass where the backend has one. */
    private static Tensor reluGrad(Tensor g, Tensor out) {
        var fused = Backends.of(g.device()).capability(FusedNn.class);
        if (fused.isPresent() && g.dtype() == out.dtype() && Arrays.equals(g.shape(), out.shape())) {
            Tensor gx = Tensor.empty(g.dtype(), g.device(), g.shape());
            if (fused.get().reluBackwardFused(g.raw(), out.raw(), gx.raw())) return gx;
            gx.close();
        }
        return g.mul(compareScalar(UnaryOp.GT_SCALAR, out, 0).to(g.dtype()));
    }

    public static Tensor sigmoid(Tensor a) {
        needFloat("sigmoid", a);
        Tensor out = unaryRaw(UnaryOp.SIGMOID, a, 0, 0);
        return Autograd.record(out, "sigmoid", new Tensor[]{a}, Autograd.saves(out), g -> new Tensor[]{g.mul(out.mul(out.neg().add(1.0)))});
    }

    public static Tensor tanh(Tensor a) {
        needFloat("tanh", a);
        Tensor out = unaryRaw(UnaryOp.TANH, a, 0, 0);
        return Autograd.record(out, "tanh", new Tensor[]{a}, Autograd.saves(out), g -> new Tensor[]{g.mul(out.mul(out).neg().add(1.0))});
    }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        sameDevice("where", cond, a);
        sameDevice("where", a, b);
        int[] shape = Shapes.broadcast(Shapes.broadcast(cond.shape(), a.shape()), b.shape());
        DType dt = DType.promote(a.dtype(), b.dtype());
        Tensor out = Tensor.empty(dt, a.device(), shape);
        Backends.of(a.device()).where(Views.broadcastTo(cond, shape).raw(), Views.broadcastTo(cast(a, dt), shape).raw(), Views.broadcastTo(cast(b, dt), shape).raw(), out.raw());
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record(out, "where", new Tensor[]{a, b}, Autograd.saves(cond), g -> {
            Tensor z = Tensor.zerosLike(g);
            return new Tensor[]{Autograd.sumToShape(where(cond, g, z), sa), Autograd.sumToShape(where(cond, z, g), sb)};
        });
    }

    /** self op= o, o broadcast to self's shape, in self's dtype; no autograd. */
    public static Tensor inPlace(BinaryOp op, Tensor self, Tensor o) {
        sameDevice(op.name().toLowerCase() + "_", self, o);
        self.checkInPlace();
        int[] b = Shapes.broadcast(self.shape(), o.shape());
        if (!Arrays.equals(b, self.shape())) {
            throw new IllegalArgumentException("in-place " + op + ": shape " + Arrays.toString(o.shape())
                    + " does not broadcast to " + Arrays.toString(self.shape()));
        }
        Tensor y = Views.broadcastTo(cast(o, self.dtype()), self.shape());
        Backends.of(self.device()).binary(op, self.raw(), y.raw(), self.raw());
        return self;
    }
}
