package org.jgrad.ops;

import org.jgrad.autograd.Autograd;
import org.jgrad.autograd.Grad;
import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.RoundingMode;
import org.jgrad.tensor.Tensor;


/**
 * Division with PyTorch's rules: {@code div} is true division (integer operands give a FLOAT32
 * quotient, never a silently floored one), and a rounding mode asks for a rounded quotient,
 * integral for integer operands, where division by zero is an error rather than a made-up value.
 */
public final class Division {
    private Division() {}

    /** PyTorch's default floating dtype, which true division of integers gives. */
    private static final DType DEFAULT_FLOAT = DType.FLOAT32;

    /** Magnitude from which every float is an integer (2^52 covers FLOAT64; FLOAT32 needs less). */
    private static final double ALL_INTEGERS = 4503599627370496.0;

    /** a / b, a true division: integer operands are divided as FLOAT32. Differentiable. */
    public static Tensor div(Tensor a, Tensor b) {
        Elementwise.sameDevice("div", a, b);
        if (DType.promote(a.dtype(), b.dtype()).isFloatingPoint()) return Elementwise.div(a, b);
        return Elementwise.div(asDefaultFloat(a), asDefaultFloat(b));
    }

    /** a / s, a true division (an integer tensor gives FLOAT32). */
    public static Tensor div(Tensor a, double s) {
        a.checkOpen();
        Tensor x = a.dtype().isFloatingPoint() ? a : asDefaultFloat(a);
        return Elementwise.mulScalar(x, 1.0 / s);
    }

    /**
     * a / b rounded by {@code mode}; integral for integer operands (FLOOR is Python's {@code //}).
     * Integer division by zero throws {@link ArithmeticException}. The gradient is zero almost
     * everywhere, as in PyTorch.
     */
    public static Tensor div(Tensor a, Tensor b, RoundingMode mode) {
        if (mode == null) return div(a, b);
        Elementwise.sameDevice("div", a, b);
        String op = "div(rounding_mode=" + mode.name().toLowerCase() + ")";
        DType dt = DType.promote(a.dtype(), b.dtype());
        Tensor out;
        try (var off = Grad.off()) {
            out = dt.isFloatingPoint() ? roundedFloat(a, b, mode) : roundedIntegral(op, a, b, mode);
        }
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record(out, op, new Tensor[]{a, b}, Autograd.SAVES_NOTHING, g -> new Tensor[]{
                Tensor.zeros(g.dtype(), g.device(), sa), Tensor.zeros(g.dtype(), g.device(), sb)});
    }

    private static Tensor roundedIntegral(String op, Tensor a, Tensor b, RoundingMode mode) {
        long zeros = (long) b.eq(0).sum().item();
        if (zeros > 0) {
            throw new ArithmeticException(op + ": integer division by zero (the divisor of shape "
                    + java.util.Arrays.toString(b.shape()) + " has " + zeros + " zero element(s))");
        }
        if (mode == RoundingMode.FLOOR) return Elementwise.binaryRaw(BinaryOp.DIV, a, b); // the backend floors integers
        // toward zero: the floor quotient, plus one where the division was inexact and the signs differ;
        // all in exact integer arithmetic (an |a| // |b| detour would round int64 values beyond 2^53)
        Tensor q = Elementwise.binaryRaw(BinaryOp.DIV, a, b);
        Tensor rem = Elementwise.binaryRaw(BinaryOp.SUB, a, Elementwise.binaryRaw(BinaryOp.MUL, q, b));
        Tensor fix = rem.ne(0).mul(a.lt(0).ne(b.lt(0))).to(q.dtype());
        return Elementwise.binaryRaw(BinaryOp.ADD, q, fix);
    }

    private static Tensor roundedFloat(Tensor a, Tensor b, RoundingMode mode) {
        Tensor q = Elementwise.binaryRaw(BinaryOp.DIV, a, b);
        // truncation by a round trip through INT64, only where it is exact; elsewhere (huge, inf, NaN) q is already whole
        Tensor small = Elementwise.compareScalar(UnaryOp.LT_SCALAR, q.abs(), ALL_INTEGERS);
        Tensor truncated = Tensor.where(small, q.to(DType.INT64).to(q.dtype()), q);
        if (mode == RoundingMode.TRUNC) return truncated;
        Tensor above = truncated.gt(q).to(q.dtype()); // truncation rounded a negative quotient up
        return truncated.sub(above);
    }

    private static Tensor asDefaultFloat(Tensor t) {
        if (t.dtype().isFloatingPoint()) return t;
        try (var off = Grad.off()) {
            return t.to(DEFAULT_FLOAT); // an integer tensor never requires grad
        }
    }

}
