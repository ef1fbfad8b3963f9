package org.jgrad.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * cuDNN convolutions with everything per-shape cached: descriptors and the chosen algorithm of
 * each pass are made once per (geometry, pass, TF32 switch) and kept; one workspace buffer is
 * shared by every call and only ever grows (stream order makes the reuse safe). Algorithm
 * choice is cuDNN's heuristic ranking by default (PyTorch's default too), or timed trials
 * when {@code jgrad.cudnn.find=true}.
 */
final class ConvPlans {
    /** Workspace cap per call; algorithms needing more are skipped. */
    static final long MAX_WORKSPACE = Long.getLong("jgrad.cudnn.maxWorkspace", 1L << 30);

    private record Key(ConvGeometry g, Cudnn.Pass pass, boolean tf32) {}

    /** Descriptors and algorithm for one pass of one geometry. */
    record Plan(long xDesc, long wDesc, long convDesc, long yDesc, int algo, long workspace) {}

    private final CudaContext ctx;
    private final boolean find = Boolean.getBoolean("jgrad.cudnn.find");
    private final Map<Key, Plan> plans = new ConcurrentHashMap<>();
    private long workspace;
    private long workspaceBytes;

    ConvPlans(CudaContext ctx) {
        this.ctx = ctx;
    }

    synchronized Plan plan(ConvGeometry g, Cudnn.Pass pass, boolean tf32) {
        Key key = new Key(g, pass, tf32);
        Plan p = plans.get(key);
        if (p != null) return p;
        ctx.makeCurrent();
        Cudnn d = ctx.cudnn;
        int[] xs = g.inputShape(), ws = g.weightShape(), ys = g.outputShape();
        long xDesc = d.tensor(xs, ConvGeometry.dense(xs));
        long wDesc = d.filter(ws);
        long yDesc = d.tensor(ys, ConvGeometry.dense(ys));
        long conv = d.convolution(g.pad(), g.stride(), g.dilation(), g.groups(), tf32);
        long h = ctx.cudnnHandle;
        Cudnn.Algo algo = switch (pass) {
            case FORWARD -> d.choose(h, pass, find, xDesc, wDesc, conv, yDesc, MAX_WORKSPACE);
            case BACKWARD_DATA -> d.choose(h, pass, find, wDesc, yDesc, conv, xDesc, MAX_WORKSPACE);
            case BACKWARD_FILTER -> d.choose(h, pass, find, xDesc, yDesc, conv, wDesc, MAX_WORKSPACE);
        };
        // Keep FP32 exact unless TF32 was asked: on Ampere and newer even DEFAULT_MATH lets cuDNN
        // use TF32 tensor cores for float data, so only FMA_MATH guarantees full FP32.
        d.setMath(conv, tf32 ? algo.mathType() : Cudnn.FMA_MATH);
        long wsBytes = switch (pass) {
            case FORWARD -> d.workspaceSize(h, pass, xDesc, wDesc, conv, yDesc, algo.algo());
            case BACKWARD_DATA -> d.workspaceSize(h, pass, wDesc, yDesc, conv, xDesc, algo.algo());
            case BACKWARD_FILTER -> d.workspaceSize(h, pass, xDesc, yDesc, conv, wDesc, algo.algo());
        };
        p = new Plan(xDesc, wDesc, conv, yDesc, algo.algo(), wsBytes);
        plans.put(key, p);
        return p;
    }

    /** Runs one pass on dense operands in cuDNN's order for that pass (see {@link Cudnn#run}), on the shared workspace. */
    void run(ConvGeometry g, Cudnn.Pass pass, long in0, long in1, long out, boolean tf32) {
        Plan plan = plan(g, pass, tf32);
        long ws = workspace(plan.workspace());
        ctx.makeCurrent();
        long d0, d1, dOut;
        switch (pass) {
            case FORWARD -> { d0 = plan.xDesc(); d1 = plan.wDesc(); dOut = plan.yDesc(); }
            case BACKWARD_DATA -> { d0 = plan.wDesc(); d1 = plan.yDesc(); dOut = plan.xDesc(); }
            default -> { d0 = plan.xDesc(); d1 = plan.yDesc(); dOut = plan.wDesc(); }
        }
        ctx.cudnn.run(ctx.cudnnHandle, pass, 1f, d0, in0, d1, in1, plan.convDesc(), plan.algo(), ws, plan.workspace(), 0f, dOut, out);
    }

    /** The shared workspace, grown to at least {@code bytes}. */
    synchronized long workspace(long bytes) {
        if (bytes > workspaceBytes) {
            if (workspace != 0) ctx.allocator.free(workspace, workspaceBytes);
            workspace = ctx.allocator.allocate(bytes);
            workspaceBytes = bytes;
        }
        return workspace;
    }

    synchronized long workspaceBytes() { return workspaceBytes; }

    synchronized int size() { return plans.size(); }
}
