package org.jgrad.distributed;

import org.jgrad.tensor.DType;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;

/**
 * The two MPI ABIs in use. They agree on the function signatures but not on what a handle
 * ({@code MPI_Comm}, {@code MPI_Datatype}, {@code MPI_Op}) is:
 * <ul>
 * <li>Open MPI: a pointer, the address of an exported global ({@code MPI_FLOAT} is
 *     {@code &ompi_mpi_float}); {@code MPI_IN_PLACE} is {@code (void *) 1}.</li>
 * <li>MPICH (and its ABI-compatible derivatives): an {@code int} constant from {@code mpi.h};
 *     {@code MPI_IN_PLACE} is {@code (void *) -1}.</li>
 * </ul>
 * Handles are kept as {@code long} and turned into the C argument by {@link #arg}.
 * Values checked against Open MPI 4.1's and MPICH 4.0's {@code mpi.h}.
 */
enum MpiAbi {
    OPEN_MPI(ValueLayout.ADDRESS, 1L),
    MPICH(ValueLayout.JAVA_INT, -1L);

    /** Both ABIs: MPI_THREAD_SINGLE 0, FUNNELED 1, SERIALIZED 2, MULTIPLE 3; MPI_SUCCESS 0. */
    static final int THREAD_MULTIPLE = 3;
    static final int SUCCESS = 0;
    /** MPICH's MPI_MAX_ERROR_STRING (Open MPI's is 256): a buffer of this size suits both. */
    static final int MAX_ERROR_STRING = 512;

    private final MemoryLayout handleLayout;
    private final long inPlace;

    MpiAbi(MemoryLayout handleLayout, long inPlace) {
        this.handleLayout = handleLayout;
        this.inPlace = inPlace;
    }

    /** The C type of a handle argument. */
    MemoryLayout handleLayout() { return handleLayout; }

    /** MPI_IN_PLACE. */
    MemorySegment inPlace() { return MemorySegment.ofAddress(inPlace); }

    /** The library's ABI: Open MPI exports its predefined handles as globals, MPICH does not. */
    static MpiAbi of(SymbolLookup lib) {
        return lib.find("ompi_mpi_comm_world").isPresent() ? OPEN_MPI : MPICH;
    }

    /** The Java argument passing a handle: a pointer for Open MPI, an int for MPICH. */
    Object arg(long handle) {
        return this == OPEN_MPI ? MemorySegment.ofAddress(handle) : (Object) (int) handle;
    }

    long commWorld(SymbolLookup lib) {
        return this == OPEN_MPI ? global(lib, "ompi_mpi_comm_world") : 0x44000000L;
    }

    long datatype(SymbolLookup lib, DType d) {
        if (this == MPICH) {
            return switch (d) {
                case FLOAT32 -> 0x4c00040aL;  // MPI_FLOAT
                case FLOAT64 -> 0x4c00080bL;  // MPI_DOUBLE
                case INT64 -> 0x4c00083aL;    // MPI_INT64_T
                default -> throw unsupported(d);
            };
        }
        return switch (d) {
            case FLOAT32 -> global(lib, "ompi_mpi_float");
            case FLOAT64 -> global(lib, "ompi_mpi_double");
            case INT64 -> lib.find("ompi_mpi_int64_t").isPresent() ? global(lib, "ompi_mpi_int64_t") : global(lib, "ompi_mpi_long");
            default -> throw unsupported(d);
        };
    }

    /** MPI_SUM, MPI_MAX or MPI_MIN (AVG is a SUM followed by a division on every rank). */
    long op(SymbolLookup lib, ReduceOp op) {
        if (this == MPICH) {
            return switch (op) {
                case SUM, AVG -> 0x58000003L;
                case MAX -> 0x58000001L;
                case MIN -> 0x58000002L;
            };
        }
        return switch (op) {
            case SUM, AVG -> global(lib, "ompi_mpi_op_sum");
            case MAX -> global(lib, "ompi_mpi_op_max");
            case MIN -> global(lib, "ompi_mpi_op_min");
        };
    }

    private static long global(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new DistributedException(
                "the MPI library looks like Open MPI but does not export " + name)).address();
    }

    private static IllegalArgumentException unsupported(DType d) {
        return new IllegalArgumentException("MPI collectives support FLOAT32, FLOAT64 and INT64, not " + d);
    }
}
