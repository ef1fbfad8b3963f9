package org.jgrad.cuda;

/** Device memory exhausted; the message names the bytes asked for and the bytes free. */
public final class CudaOutOfMemoryException extends CudaException {
    private final long requested;
    private final long free;

    public CudaOutOfMemoryException(String function, int status, long requested, long free, long total, String detail) {
        super(function, status, "out of memory: asked for " + requested + " bytes (" + human(requested) + "), "
                + free + " bytes (" + human(free) + ") free of " + total + " (" + human(total) + ") on the device"
                + (detail == null ? "" : "; " + detail));
        this.requested = requested;
        this.free = free;
    }

    public long requestedBytes() { return requested; }

    public long freeBytes() { return free; }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
