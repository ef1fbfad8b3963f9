package org.jgrad.cuda;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A stand-in libnccl whose every symbol is checked against nccl.h before it is handed out: the
 * table below is the C prototypes of NCCL's {@code src/nccl.h.in}, transcribed by hand into
 * C-level types (x86-64 Linux: int and the enums are 32 bits, size_t 64, pointers and
 * handles such as ncclComm_t and cudaStream_t are addresses, ncclUniqueId is a struct of
 * {@code char internal[128]} passed by value). A binding that declares anything else (an
 * address for the by-value id, an int for a size_t, a missing argument) gets no symbol, and
 * the mismatch is kept for the test to report. Behind the check, {@link FakeLibrary} answers
 * the calls.
 */
final class NcclSignatures implements Native.DescribedLookup {
    /** nccl.h's prototypes, in the rendering of {@link #render(FunctionDescriptor)}. */
    static final Map<String, String> NCCL_H = Map.ofEntries(
            // ncclResult_t ncclGetVersion(int *version);
            Map.entry("ncclGetVersion", "int32 (pointer)"),
            // ncclResult_t ncclGetUniqueId(ncclUniqueId* uniqueId);
            Map.entry("ncclGetUniqueId", "int32 (pointer)"),
            // ncclResult_t ncclCommInitRank(ncclComm_t* comm, int nranks, ncclUniqueId commId, int rank);
            Map.entry("ncclCommInitRank", "int32 (pointer, int32, struct{char[128]}, int32)"),
            // ncclResult_t ncclAllReduce(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype,
            //     ncclRedOp_t op, ncclComm_t comm, cudaStream_t stream);
            Map.entry("ncclAllReduce", "int32 (pointer, pointer, int64, int32, int32, pointer, pointer)"),
            // ncclResult_t ncclBroadcast(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype, int root,
            //     ncclComm_t comm, cudaStream_t stream);
            Map.entry("ncclBroadcast", "int32 (pointer, pointer, int64, int32, int32, pointer, pointer)"),
            // ncclResult_t ncclAllGather(const void* sendbuff, void* recvbuff, size_t sendcount, ncclDataType_t datatype,
            //     ncclComm_t comm, cudaStream_t stream);
            Map.entry("ncclAllGather", "int32 (pointer, pointer, int64, int32, pointer, pointer)"),
            // ncclResult_t ncclGroupStart(); ncclResult_t ncclGroupEnd();
            Map.entry("ncclGroupStart", "int32 ()"),
            Map.entry("ncclGroupEnd", "int32 ()"),
            // ncclResult_t ncclCommGetAsyncError(ncclComm_t comm, ncclResult_t *asyncError);
            Map.entry("ncclCommGetAsyncError", "int32 (pointer, pointer)"),
            // ncclResult_t ncclCommAbort(ncclComm_t comm);
            Map.entry("ncclCommAbort", "int32 (pointer)"),
            // ncclResult_t ncclCommDestroy(ncclComm_t comm);
            Map.entry("ncclCommDestroy", "int32 (pointer)"),
            // const char* ncclGetErrorString(ncclResult_t result);
            Map.entry("ncclGetErrorString", "pointer (int32)"));

    final FakeLibrary fake;
    final List<String> mismatches = new ArrayList<>();
    final Map<String, String> declared = new TreeMap<>();

    NcclSignatures(FakeLibrary fake) { this.fake = fake; }

    @Override
    public Optional<MemorySegment> find(String name) {
        throw new IllegalStateException("the bindings must look symbols up with their signature: " + name);
    }

    @Override
    public synchronized Optional<MemorySegment> find(String name, FunctionDescriptor fd) {
        String got = render(fd);
        declared.put(name, got);
        String want = NCCL_H.get(name);
        if (want == null) {
            mismatches.add(name + " is not in the table of nccl.h prototypes (declared " + got + ")");
            return Optional.empty();
        }
        if (!want.equals(got)) {
            mismatches.add(name + ": nccl.h says " + want + ", the binding declares " + got);
            return Optional.empty();
        }
        return fake.find(name, fd);
    }

    /** "ret (arg, arg, ...)" with C-level type names; layout names are ignored, sizes and kinds are not. */
    static String render(FunctionDescriptor fd) {
        String ret = fd.returnLayout().map(NcclSignatures::render).orElse("void");
        return ret + " (" + fd.argumentLayouts().stream().map(NcclSignatures::render).collect(Collectors.joining(", ")) + ")";
    }

    static String render(MemoryLayout l) {
        if (l instanceof AddressLayout) return "pointer";
        if (l instanceof ValueLayout.OfInt) return "int32";
        if (l instanceof ValueLayout.OfLong) return "int64";
        if (l instanceof ValueLayout.OfByte) return "char";
        if (l instanceof ValueLayout.OfFloat) return "float";
        if (l instanceof ValueLayout.OfDouble) return "double";
        if (l instanceof SequenceLayout s) return render(s.elementLayout()) + "[" + s.elementCount() + "]";
        if (l instanceof StructLayout s) {
            return "struct{" + s.memberLayouts().stream().map(NcclSignatures::render).collect(Collectors.joining(", ")) + "}";
        }
        return l.toString();
    }
}
