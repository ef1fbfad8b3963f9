package org.jgrad.cuda;

/**
 * A failed call into libcuda, cuBLAS or cuDNN. The message names the function, the numeric
 * status and the library's own error name/string, so a failure on a GPU machine that nobody
 * is watching can be diagnosed from the log alone.
 */
public class CudaException extends RuntimeException {
    private final String function;
    private final int status;

    public CudaException(String function, int status, String detail) {
        super(function + " failed with status " + status + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.function = function;
        this.status = status;
    }

    public CudaException(String message) {
        super(message);
        this.function = "";
        this.status = -1;
    }

    /** The library function that failed, e.g. {@code cuMemAllocAsync}. */
    public String function() { return function; }

    /** The library's status code (CUresult, cublasStatus_t or cudnnStatus_t). */
    public int status() { return status; }
}
