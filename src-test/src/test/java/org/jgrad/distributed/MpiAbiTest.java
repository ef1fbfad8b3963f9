package org.jgrad.distributed;

import org.jgrad.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The two handle conventions, against a stand-in symbol table (no MPI needed). The MPICH
 * integers are those of MPICH 4.0's mpi.h; both profiles also ran CollectivesMain under their
 * own launchers (Open MPI 4.1.4 in the test suite; MPICH 4.0.2 by hand).
 */
class MpiAbiTest {
    private static SymbolLookup table(Map<String, Long> symbols) {
        return name -> Optional.ofNullable(symbols.get(name)).map(MemorySegment::ofAddress);
    }

    private static final Map<String, Long> OMPI = Map.of("ompi_mpi_comm_world", 0x1000L, "ompi_mpi_float", 0x2000L,
            "ompi_mpi_double", 0x3000L, "ompi_mpi_int64_t", 0x4000L, "ompi_mpi_long", 0x4800L,
            "ompi_mpi_op_sum", 0x5000L, "ompi_mpi_op_max", 0x6000L, "ompi_mpi_op_min", 0x7000L);

    @Test
    void openMpiHandlesAreTheAddressesOfItsGlobals() {
        SymbolLookup lib = table(OMPI);
        MpiAbi abi = MpiAbi.of(lib);
        assertEquals(MpiAbi.OPEN_MPI, abi);
        assertEquals(0x1000L, abi.commWorld(lib));
        assertEquals(0x2000L, abi.datatype(lib, DType.FLOAT32));
        assertEquals(0x3000L, abi.datatype(lib, DType.FLOAT64));
        assertEquals(0x4000L, abi.datatype(lib, DType.INT64));
        assertEquals(0x5000L, abi.op(lib, ReduceOp.SUM));
        assertEquals(0x5000L, abi.op(lib, ReduceOp.AVG)); // AVG = SUM, then a division
        assertEquals(0x6000L, abi.op(lib, ReduceOp.MAX));
        assertEquals(0x7000L, abi.op(lib, ReduceOp.MIN));
        assertEquals(1L, abi.inPlace().address());
        assertEquals(MemorySegment.ofAddress(0x1000L), abi.arg(0x1000L));
    }

    @Test
    void openMpiWithoutInt64GlobalFallsBackToLong() {
        var m = new java.util.HashMap<>(OMPI);
        m.remove("ompi_mpi_int64_t");
        SymbolLookup lib = table(m);
        assertEquals(0x4800L, MpiAbi.OPEN_MPI.datatype(lib, DType.INT64));
    }

    @Test
    void mpichHandlesAreIntegerConstantsFromMpiH() {
        SymbolLookup lib = table(Map.of("MPI_Init_thread", 0x10L));
        MpiAbi abi = MpiAbi.of(lib);
        assertEquals(MpiAbi.MPICH, abi);
        assertEquals(0x44000000L, abi.commWorld(lib));
        assertEquals(0x4c00040aL, abi.datatype(lib, DType.FLOAT32));
        assertEquals(0x4c00080bL, abi.datatype(lib, DType.FLOAT64));
        assertEquals(0x4c00083aL, abi.datatype(lib, DType.INT64));
        assertEquals(0x58000003L, abi.op(lib, ReduceOp.SUM));
        assertEquals(0x58000001L, abi.op(lib, ReduceOp.MAX));
        assertEquals(0x58000002L, abi.op(lib, ReduceOp.MIN));
        assertEquals(-1L, abi.inPlace().address());
        assertEquals(0x44000000, abi.arg(0x44000000L));
        assertThrows(IllegalArgumentException.class, () -> abi.datatype(lib, DType.INT32));
    }
}
