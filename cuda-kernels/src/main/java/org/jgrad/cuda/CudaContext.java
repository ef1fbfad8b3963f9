package org.jgrad.cuda;

/**
 * One GPU as the backend uses it: the device's primary context, one non-blocking stream on
 * which every copy, kernel, cuBLAS and cuDNN call is queued (so work is ordered without
 * extra synchronisation), the stream-ordered allocator, the JIT-ed kernels, and the library
 * handles bound to that stream.
 */
public final class CudaContext {
    final Driver driver;
    final Cublas cublas;
    final Cudnn cudnn;
    final int ordinal;
    final int device;
    final long context;
    final long stream;
    final DeviceAllocator allocator;
    final PtxModules modules;
    final long cublasHandle;
    final long cudnnHandle;
    final String deviceName;
    final int multiprocessors;
    final int ccMajor, ccMinor;
    final String librariesUsed;
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);

    private CudaContext(Driver driver, Cublas cublas, Cudnn cudnn, int ordinal, String librariesUsed) {
        this.driver = driver;
        this.cublas = cublas;
        this.cudnn = cudnn;
        this.ordinal = ordinal;
        this.librariesUsed = librariesUsed;
        driver.init();
        int count = driver.deviceCount();
        if (ordinal >= count) {
            throw new IllegalStateException("Device.cuda(" + ordinal + ") is unavailable: the driver reports " + count + " CUDA device(s)");
        }
        device = driver.device(ordinal);
        deviceName = driver.deviceName(device);
        multiprocessors = driver.attribute(device, Driver.ATTR_MULTIPROCESSOR_COUNT);
        ccMajor = driver.attribute(device, Driver.ATTR_CC_MAJOR);
        ccMinor = driver.attribute(device, Driver.ATTR_CC_MINOR);
        if (ccMajor < 8) {
            throw new IllegalStateException("Device.cuda(" + ordinal + ") is unavailable: " + deviceName + " has compute capability "
                    + ccMajor + "." + ccMinor + "; jgrad's kernels target sm_80 (Ampere) and newer");
        }
        context = driver.primaryCtxRetain(device);
        makeCurrent();
        stream = driver.streamCreate(true);
        allocator = new DeviceAllocator(this);
        modules = new PtxModules(driver);
        cublasHandle = cublas.createHandle();
        cublas.setStream(cublasHandle, stream);
        cublas.setMathMode(cublasHandle, false);
        cudnnHandle = cudnn.createHandle();
        cudnn.setStream(cudnnHandle, stream);
    }

    /** A context over already-bound libraries (the CPU tests bind them to stand-ins). */
    static CudaContext create(Driver driver, Cublas cublas, Cudnn cudnn, int ordinal, String librariesUsed) {
        return new CudaContext(driver, cublas, cudnn, ordinal, librariesUsed);
    }

    /** Opens the libraries (see {@link LibrarySearch}) and device {@code ordinal}. */
    public static CudaContext open(int ordinal) {
        if (ordinal < 0) throw new IllegalArgumentException("device ordinal must be >= 0, got " + ordinal);
        LibrarySearch search = LibrarySearch.fromEnvironment();
        CudaLibraries.Opened libs = CudaLibraries.openAll(search, CudaLibraries.DLOPEN, CudaLibraries.DRIVER_VERSION,
                "Device.cuda(" + ordinal + ")");
        String used = libs.describe();
        Driver driver = new Driver(libs.get(CudaLibraries.DRIVER).lookup());
        CudaLibraries.Outcome cb = libs.get(libs.cublas());
        Cublas cublas = new Cublas(cb.lookup(), cb.loadedName());
        Cudnn cudnn = new Cudnn(libs.get(CudaLibraries.CUDNN).lookup());
        try {
            return new CudaContext(driver, cublas, cudnn, ordinal, used);
        } catch (CudaException e) {
            throw new IllegalStateException("Device.cuda(" + ordinal + ") is unavailable: " + e.getMessage()
                    + "\nLibraries loaded:\n" + used, e);
        }
    }

    /** Makes this context current on the calling thread (once per thread). */
    void makeCurrent() {
        if (!current.get()) {
            driver.ctxSetCurrent(context);
            current.set(true);
        }
    }

    public void synchronize() {
        makeCurrent();
        driver.streamSynchronize(stream);
    }

    public String deviceName() { return deviceName; }

    public int multiprocessors() { return multiprocessors; }

    public String computeCapability() { return ccMajor + "." + ccMinor; }

    /** Which library files were loaded, one per line, and which cuBLAS was chosen and why. */
    public String librariesUsed() { return librariesUsed; }

    /** {free, total} bytes on the device. */
    public long[] memInfo() {
        makeCurrent();
        return driver.memGetInfo();
    }

    public DeviceAllocator allocator() { return allocator; }

    public long stream() { return stream; }
}
