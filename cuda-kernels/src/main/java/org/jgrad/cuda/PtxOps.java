package org.jgrad.cuda;

import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.ReduceOp;
import org.jgrad.backend.UnaryOp;

/**
 * The op codes the PTX kernels switch on, written out rather than taken from ordinals so a
 * reordering of core's enums cannot silently change what a kernel computes. A unit test
 * checks these against the "op N NAME" comments in the .ptx files.
 */
public final class PtxOps {
    private PtxOps() {}

    /** ew_binary_f32's code for the backward of ReLU: y where x > 0, else 0. */
    public static final int RELU_BACKWARD = 13;

    /** ew_binary_f32's code for {@code op}. */
    public static int binary(BinaryOp op) {
        return switch (op) {
            case ADD -> 0; case SUB -> 1; case MUL -> 2; case DIV -> 3; case POW -> 4;
            case MAXIMUM -> 5; case MINIMUM -> 6; case EQ -> 7; case NE -> 8; case LT -> 9;
            case LE -> 10; case GT -> 11; case GE -> 12;
        };
    }

    /** ew_unary_f32's code for {@code op}. */
    public static int unary(UnaryOp op) {
        return switch (op) {
            case NEG -> 0; case EXP -> 1; case LOG -> 2; case SQRT -> 3; case ABS -> 4; case RELU -> 5;
            case SIGMOID -> 6; case TANH -> 7; case SIGN -> 8; case POW_SCALAR -> 9; case CLAMP -> 10;
            case ADD_SCALAR -> 11; case MUL_SCALAR -> 12; case RDIV_SCALAR -> 13; case GT_SCALAR -> 14;
            case LT_SCALAR -> 15; case GE_SCALAR -> 16; case LE_SCALAR -> 17; case EQ_SCALAR -> 18; case NE_SCALAR -> 19;
        };
    }

    /** True for unary ops whose result is 0/1 (may be written as uint8). */
    public static boolean isComparison(UnaryOp op) {
        return switch (op) {
            case GT_SCALAR, LT_SCALAR, GE_SCALAR, LE_SCALAR, EQ_SCALAR, NE_SCALAR -> true;
            default -> false;
        };
    }

    /** reduce_rows_f32's code for {@code op}. */
    public static int reduce(ReduceOp op) {
        return switch (op) { case SUM -> 0; case MAX -> 1; case MIN -> 2; case PROD -> 3; };
    }
}
