package org.jgrad.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small interpreter for the subset of PTX that jgrad's hand-written kernels use, so their
 * logic (index arithmetic, op dispatch, conversions, warp shuffles, shared memory, barriers,
 * grid-stride loops, device-function calls) is tested on machines without a GPU.
 *
 * <p>What it is not: a timing or precision model. The approximate instructions
 * ({@code ex2.approx}, {@code lg2.approx}) are computed exactly, so tests judge the kernels'
 * formulas, and the GPU parity tests judge the hardware. Threads of a block run one after
 * another until each reaches a {@code shfl.sync} (resolved when its whole warp is there) or a
 * {@code bar.sync} (resolved when the whole block is there); blocks run one after another.
 * Any instruction it does not know fails the test, naming the line.
 */
final class PtxSimulator {
    static final long GLOBAL_BASE = 0x10_0000L;
    /** Where a kernel's parameter block appears when its address is taken (far from global memory). */
    static final long PARAM_BASE = 0x7000_0000_0000L;

    // ------------------------------------------------------------------ parsed program

    private record Operand(Kind kind, String name, long imm, int reg, long offset) {}

    private enum Kind { REG, NOTREG, SPECIAL, IMM, SYMBOL, ADDR }

    private static final class Instr {
        String text;
        int guardReg = -1;
        boolean guardNeg;
        String op;          // e.g. "add", "ld", "setp"
        String[] mods;      // the dot-separated parts after the opcode
        String type;        // the last type modifier (u32, f32, ...), or null
        String[] types;     // every type modifier in order (cvt: destination, source)
        String rnd = "";    // rounding modifier, if any
        Operand[] args;
        int target = -1;    // branch target index
        // call
        String callee;
        String[] callRet, callArgs;
        int[] vec;          // registers of a {..} vector operand
        int movUnpack;      // mov.b64 with a {lo, hi} pair: 1 = unpack into the pair, 2 = pack from it
    }

    private static final class Function {
        String name;
        boolean entry;
        final List<String> paramNames = new ArrayList<>();
        final List<Integer> paramSizes = new ArrayList<>();
        final List<Integer> paramOffsets = new ArrayList<>();
        final List<Instr> code = new ArrayList<>();
        final Map<String, Integer> regs = new HashMap<>();
        int paramBytes;
    }

    private final Map<String, Function> functions = new HashMap<>();
    private final Map<String, Integer> sharedSymbols = new HashMap<>();
    private int sharedBytes;

    // ------------------------------------------------------------------ memory

    private final ByteBuffer global;
    private long nextFree = GLOBAL_BASE;

    PtxSimulator(int globalBytes) {
        global = ByteBuffer.allocate(globalBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Adds a module's functions (and shared variables) to the program. */
    PtxSimulator load(String ptx) {
        parse(ptx);
        return this;
    }

    /** A zeroed block of device memory; returns its address. */
    long alloc(long bytes) {
        long a = (nextFree + 15) & ~15L;
        nextFree = a + Math.max(bytes, 1);
        if (nextFree - GLOBAL_BASE > global.capacity()) throw new IllegalStateException("simulated device memory exhausted");
        return a;
    }

    private int g(long address, int size) {
        long i = address - GLOBAL_BASE;
        if (i < 0 || i + size > nextFree - GLOBAL_BASE) {
            throw new IllegalStateException("out-of-bounds global access at 0x" + Long.toHexString(address) + " (" + size + " bytes)");
        }
        return (int) i;
    }

    /** A little-endian window onto simulated device memory, for tests to fill and read. */
    ByteBuffer view(long address, int bytes) {
        int i = g(address, bytes);
        return global.slice(i, bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    void putFloats(long address, float[] v) { for (int i = 0; i < v.length; i++) global.putFloat(g(address + 4L * i, 4), v[i]); }

    float[] getFloats(long address, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = global.getFloat(g(address + 4L * i, 4));
        return v;
    }

    void putBytes(long address, byte[] v) { for (int i = 0; i < v.length; i++) global.put(g(address + i, 1), v[i]); }

    byte[] getBytes(long address, int n) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) v[i] = global.get(g(address + i, 1));
        return v;
    }

    // ------------------------------------------------------------------ parsing

    private static final Pattern HEADER = Pattern.compile(
            "(\\.visible\\s+)?\\.(entry|func)\\s*(\\([^)]*\\))?\\s*([A-Za-z_$][\\w$]*)\\s*\\(([^)]*)\\)\\s*\\{");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+(\\d+)\\s+)?\\.(\\w+)\\s+([\\w$]+)(?:\\[(\\d+)\\])?");
    private static final Pattern SHARED = Pattern.compile("\\.shared\\s+\\.align\\s+(\\d+)\\s+\\.(\\w+)\\s+([\\w$]+)\\[(\\d+)\\]\\s*;");
    /** {@code .extern .shared} arrays: dynamic shared memory, placed after the static arrays, sized by the launch. */
    private static final Pattern EXTERN_SHARED = Pattern.compile("\\.extern\\s+\\.shared\\s+\\.align\\s+(\\d+)\\s+\\.\\w+\\s+([\\w$]+)\\[\\]\\s*;");
    private final List<String> dynamicShared = new ArrayList<>();

    private void parse(String ptx) {
        String text = ptx.replaceAll("//[^\n]*", "");
        Matcher sh = SHARED.matcher(text);
        while (sh.find()) {
            int align = Integer.parseInt(sh.group(1));
            sharedBytes = (sharedBytes + align - 1) / align * align;
            sharedSymbols.put(sh.group(3), sharedBytes);
            sharedBytes += typeSize(sh.group(2)) * Integer.parseInt(sh.group(4));
        }
        Matcher ex = EXTERN_SHARED.matcher(text);
        while (ex.find()) dynamicShared.add(ex.group(2));
        Matcher m = HEADER.matcher(text);
        int pos = 0;
        while (m.find(pos)) {
            Function f = new Function();
            f.entry = m.group(2).equals("entry");
            f.name = m.group(4);
            if (m.group(3) != null) { // .func return parameter
                Matcher p = PARAM.matcher(m.group(3));
                if (p.find()) f.regs.put("$ret:" + p.group(3), 0);
            }
            Matcher p = PARAM.matcher(m.group(5));
            int off = 0;
            while (p.find()) {
                int size = p.group(4) != null ? Integer.parseInt(p.group(4)) * typeSize(p.group(2)) : typeSize(p.group(2));
                int align = p.group(1) != null ? Integer.parseInt(p.group(1)) : size;
                off = (off + align - 1) / align * align;
                f.paramNames.add(p.group(3));
                f.paramSizes.add(size);
                f.paramOffsets.add(off);
                off += size;
            }
            f.paramBytes = off;
            // body: up to the matching brace
            int depth = 1, i = m.end();
            while (depth > 0) {
                char c = text.charAt(i++);
                if (c == '{') depth++;
                if (c == '}') depth--;
            }
            parseBody(f, text.substring(m.end(), i - 1));
            functions.put(f.name, f);
            pos = i;
        }
    }

    private static int typeSize(String t) {
        return switch (t) {
            case "b8", "u8", "s8" -> 1;
            case "b16", "u16", "s16", "f16" -> 2;
            case "b32", "u32", "s32", "f32", "pred" -> 4;
            case "b64", "u64", "s64", "f64" -> 8;
            default -> throw new IllegalArgumentException("unknown PTX type ." + t);
        };
    }

    private void parseBody(Function f, String body) {
        Map<String, Integer> labels = new HashMap<>();
        List<String> stmts = new ArrayList<>();
        // statements end with ';'; labels end with ':'; braces open/close call scopes
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            // a mov's {lo, hi} pair keeps its braces (which side they are on matters); others go
            if ((c == '{' || c == '}') && !cur.toString().trim().matches("(@!?%\\w+\\s+)?mov\\b.*")) continue;
            if (c == ';') {
                stmts.add(cur.toString().trim());
                cur.setLength(0);
            } else if (c == ':' && cur.toString().trim().matches("[A-Za-z_$][\\w$]*")) {
                labels.put(cur.toString().trim(), -1 - labels.size()); // placeholder, fixed below
                stmts.add(cur.toString().trim() + ":");
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        for (String s : stmts) {
            if (s.isEmpty()) continue;
            if (s.endsWith(":")) {
                labels.put(s.substring(0, s.length() - 1), f.code.size());
                continue;
            }
            if (s.startsWith(".reg") || s.startsWith(".param") || s.startsWith(".local") || s.startsWith(".shared")) {
                // local call-scope parameters are created on first store
                continue;
            }
            f.code.add(parseInstr(f, s));
        }
        for (Instr in : f.code) {
            if (in.op.equals("bra")) {
                Integer t = labels.get(in.args[0].name());
                if (t == null || t < 0) throw new IllegalArgumentException("unknown label in '" + in.text + "' of " + f.name);
                in.target = t;
            }
        }
    }

    private Instr parseInstr(Function f, String s) {
        Instr in = new Instr();
        in.text = s;
        String rest = s;
        if (rest.startsWith("@")) {
            int sp = rest.indexOf(' ');
            String g = rest.substring(1, sp).trim();
            in.guardNeg = g.startsWith("!");
            in.guardReg = reg(f, in.guardNeg ? g.substring(1) : g);
            rest = rest.substring(sp).trim();
        }
        int sp = rest.indexOf(' ');
        String opcode = sp < 0 ? rest : rest.substring(0, sp);
        String ops = sp < 0 ? "" : rest.substring(sp).trim();
        String[] parts = opcode.split("\\.");
        in.op = parts[0];
        in.mods = java.util.Arrays.copyOfRange(parts, 1, parts.length);
        List<String> types = new ArrayList<>();
        for (String m : in.mods) {
            if (m.matches("[usbf](8|16|32|64)|pred")) types.add(m);
            else if (m.matches("rni|rzi|rmi|rpi|rn|rz|rm|rp")) in.rnd = m;
        }
        in.types = types.toArray(new String[0]);
        in.type = types.isEmpty() ? null : types.get(types.size() - 1);
        if (in.op.equals("call")) {
            // call.uni (ret0), jg_exp, (arg0)
            Matcher cm = Pattern.compile("\\(([^)]*)\\)\\s*,\\s*([\\w$]+)\\s*,\\s*\\(([^)]*)\\)").matcher(ops);
            if (!cm.find()) throw new IllegalArgumentException("cannot parse call '" + s + "'");
            in.callRet = cm.group(1).trim().isEmpty() ? new String[0] : cm.group(1).trim().split("\\s*,\\s*");
            in.callee = cm.group(2);
            in.callArgs = cm.group(3).trim().isEmpty() ? new String[0] : cm.group(3).trim().split("\\s*,\\s*");
            in.args = new Operand[0];
            return in;
        }
        List<Operand> args = new ArrayList<>();
        int vecN = java.util.Arrays.asList(in.mods).contains("v4") ? 4 : java.util.Arrays.asList(in.mods).contains("v2") ? 2 : 0;
        if (vecN > 0 && (in.op.equals("ld") || in.op.equals("st"))) {
            // ld/st.v2/.v4: the body parser has dropped the braces; the vector registers become one operand
            String[] parts2 = ops.split("\\s*,\\s*");
            boolean load = in.op.equals("ld");
            in.vec = new int[vecN];
            for (int i = 0; i < vecN; i++) in.vec[i] = reg(f, parts2[load ? i : i + 1].trim());
            ops = load ? "%__vec, " + parts2[vecN] : parts2[0] + ", %__vec";
        }
        if (in.op.equals("mov") && ops.contains("{")) {
            // mov.b64 {lo, hi}, x unpacks x into the pair; mov.b64 x, {lo, hi} packs the pair
            if (!"b64".equals(in.type)) throw new IllegalArgumentException("unsupported vector mov '" + s + "'");
            in.movUnpack = ops.startsWith("{") ? 1 : 2;
            ops = ops.replace("{", "").replace("}", "");
        }
        if (!ops.isEmpty()) {
            for (String a : ops.split(",")) {
                a = a.trim();
                // shfl's optional "|%p" predicate output is not used by jgrad's kernels
                if (a.contains("|")) throw new IllegalArgumentException("unsupported operand '" + a + "' in '" + s + "'");
                args.add(operand(f, a));
            }
        }
        in.args = args.toArray(new Operand[0]);
        if (in.op.equals("mov") && (in.movUnpack != 0) != (in.args.length == 3)) {
            throw new IllegalArgumentException("unsupported mov '" + s + "' (only mov.b64 with one {lo, hi} pair)");
        }
        return in;
    }

    private int reg(Function f, String name) {
        return f.regs.computeIfAbsent(name, k -> f.regs.size());
    }

    private Operand operand(Function f, String a) {
        if (a.startsWith("[")) {
            String in = a.substring(1, a.length() - 1).trim();
            long off = 0;
            int plus = in.indexOf('+');
            if (plus >= 0) {
                off = Long.parseLong(in.substring(plus + 1).trim());
                in = in.substring(0, plus).trim();
            }
            if (in.startsWith("%")) return new Operand(Kind.ADDR, in, 0, reg(f, in), off);
            return new Operand(Kind.ADDR, in, 0, -1, off);
        }
        if (a.startsWith("!%")) return new Operand(Kind.NOTREG, a, 0, reg(f, a.substring(1)), 0);
        if (a.startsWith("%")) {
            if (a.matches("%(tid|ntid|ctaid|nctaid|laneid|lanemask_lt)(\\.[xyz])?")) return new Operand(Kind.SPECIAL, a, 0, -1, 0);
            return new Operand(Kind.REG, a, 0, reg(f, a), 0);
        }
        if (a.matches("0[fF][0-9a-fA-F]{8}")) return new Operand(Kind.IMM, a, Long.parseLong(a.substring(2), 16), -1, 0);
        if (a.matches("0[dD][0-9a-fA-F]{16}")) return new Operand(Kind.IMM, a, Long.parseUnsignedLong(a.substring(2), 16), -1, 0);
        if (a.matches("-?\\d+")) return new Operand(Kind.IMM, a, Long.parseLong(a), -1, 0);
        return new Operand(Kind.SYMBOL, a, 0, -1, 0);
    }

    // ------------------------------------------------------------------ execution

    private enum Wait { NONE, SHFL, BAR, DONE, MATCH }

    private static final class Frame {
        final Function fn;
        final long[] regs;
        final boolean[] set; // registers written so far (reading one that is not is undefined on hardware)
        int pc;
        final Map<String, Long> localParams = new HashMap<>();
        String[] retInto;  // caller's names receiving this frame's return parameter

        Frame(Function fn) {
            this.fn = fn;
            this.regs = new long[Math.max(1, fn.regs.size())];
            this.set = new boolean[regs.length];
        }
    }

    private final class Thread {
        final int tid, ctaid;
        final Deque<Frame> stack = new ArrayDeque<>();
        Wait wait = Wait.NONE;
        Instr waitingAt;

        Thread(int tid, int ctaid, Function entry) {
            this.tid = tid;
            this.ctaid = ctaid;
            stack.push(new Frame(entry));
        }
    }

    private byte[] kernelParams;
    private Function kernel;
    private int ntid, nctaid;
    private ByteBuffer shared;
    private int dynamicSharedBytes;
    private long steps;

    /** Runs {@code entry} over a 1-D grid; args in .param order (Integer, Long, Float or byte[]), checked against the declarations. */
    void launch(String entry, int grid, int block, List<Object> args) {
        launch(entry, grid, block, 0, args);
    }

    /** As above, with {@code dynamicSharedBytes} of {@code .extern .shared} memory per block; Double arguments fill .f64 parameters. */
    void launch(String entry, int grid, int block, int dynamicSharedBytes, List<Object> args) {
        this.dynamicSharedBytes = dynamicSharedBytes;
        int dynBase = (sharedBytes + 15) & ~15;
        for (String name : dynamicShared) sharedSymbols.put(name, dynBase);
        kernel = functions.get(entry);
        if (kernel == null || !kernel.entry) throw new IllegalArgumentException("no .entry " + entry + " in the PTX");
        if (args.size() != kernel.paramNames.size()) {
            throw new IllegalArgumentException(entry + " declares " + kernel.paramNames.size() + " parameters " + kernel.paramNames + ", launched with " + args.size());
        }
        ByteBuffer p = ByteBuffer.allocate(Math.max(kernel.paramBytes, 1)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            int size = kernel.paramSizes.get(i), off = kernel.paramOffsets.get(i);
            int given = switch (a) {
                case Integer v -> { p.putInt(off, v); yield 4; }
                case Long v -> { p.putLong(off, v); yield 8; }
                case Float v -> { p.putFloat(off, v); yield 4; }
                case Double v -> { p.putDouble(off, v); yield 8; }
                case byte[] v -> { p.put(off, v); yield v.length; }
                default -> throw new IllegalArgumentException("argument " + i + " has unsupported type " + a.getClass());
            };
            if (given != size) {
                throw new IllegalArgumentException(entry + " parameter " + i + " (" + kernel.paramNames.get(i) + ") is " + size + " bytes, launched with " + given);
            }
        }
        kernelParams = p.array();
        checkLaunchConfig(entry, grid, block, dynamicSharedBytes);
        ntid = block;
        nctaid = grid;
        races.startLaunch(entry, block);
        for (int b = 0; b < grid; b++) runBlock(b);
    }

    private void runBlock(int ctaid) {
        shared = ByteBuffer.allocate(Math.max(((sharedBytes + 15) & ~15) + dynamicSharedBytes, 4)).order(ByteOrder.LITTLE_ENDIAN);
        races.startBlock(shared.capacity());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < ntid; t++) threads.add(new Thread(t, ctaid, kernel));
        while (true) {
            boolean progress = false;
            for (Thread t : threads) {
                if (t.wait == Wait.NONE) {
                    run(t);
                    progress = true;
                }
            }
            // warps whose live threads all wait at a shuffle exchange values
            for (int w = 0; w * 32 < ntid; w++) {
                List<Thread> warp = threads.subList(w * 32, Math.min(ntid, w * 32 + 32));
                boolean all = warp.stream().allMatch(t -> t.wait == Wait.SHFL || t.wait == Wait.DONE)
                        && warp.stream().anyMatch(t -> t.wait == Wait.SHFL);
                if (all) {
                    shuffle(warp);
                    progress = true;
                }
            }
            // match.any.sync: once no thread of a warp can run, the threads waiting at one match
            // instruction are the converged group (activemask); lanes with equal keys see each other
            for (int w = 0; w * 32 < ntid; w++) {
                List<Thread> warp = threads.subList(w * 32, Math.min(ntid, w * 32 + 32));
                if (warp.stream().anyMatch(t -> t.wait == Wait.NONE) || warp.stream().noneMatch(t -> t.wait == Wait.MATCH)) continue;
                Instr at = warp.stream().filter(t -> t.wait == Wait.MATCH).findFirst().orElseThrow().waitingAt;
                List<Thread> group = warp.stream().filter(t -> t.wait == Wait.MATCH && t.waitingAt == at).toList();
                for (Thread t : group) {
                    Frame f = t.stack.peek();
                    long key = read(t, f, at.args[1]) & 0xFFFFFFFFL, mask = 0;
                    for (Thread o : group) {
                        if ((read(o, o.stack.peek(), at.args[1]) & 0xFFFFFFFFL) == key) mask |= 1L << (o.tid % 32);
                    }
                    put(f, at.args[0].reg(), mask);
                }
                for (Thread t : group) { t.stack.peek().pc++; t.wait = Wait.NONE; }
                progress = true;
            }
            boolean allBar = threads.stream().allMatch(t -> t.wait == Wait.BAR || t.wait == Wait.DONE)
                    && threads.stream().anyMatch(t -> t.wait == Wait.BAR);
            if (allBar) {
                races.barrier();
                for (Thread t : threads) if (t.wait == Wait.BAR) t.wait = Wait.NONE;
                progress = true;
            }
            if (threads.stream().allMatch(t -> t.wait == Wait.DONE)) return;
            if (!progress) throw new IllegalStateException("deadlock in block " + ctaid + ": threads wait at different sync points");
        }
    }

    private void shuffle(List<Thread> warp) {
        // On hardware every lane named in shfl.sync's member mask must execute that same
        // instruction; a lane that has exited (or waits at another shuffle) makes it undefined,
        // typically a hang or garbage. The interpreter would carry on, so it refuses instead.
        for (Thread t : warp) {
            if (t.wait != Wait.SHFL) continue;
            Instr in = t.waitingAt;
            long mask = read(t, t.stack.peek(), in.args[in.args.length - 1]) & 0xFFFFFFFFL;
            if (mask >>> warp.size() != 0) { // a block whose size is not a multiple of 32 ends in a partial warp
                throw new IllegalStateException("shfl.sync at '" + in.text + "' names lane " + (63 - Long.numberOfLeadingZeros(mask))
                        + " in its member mask, but the last warp of a block of " + ntid + " threads has " + warp.size() + " lanes"
                        + " (thread " + t.tid + ", block " + t.ctaid + ")");
            }
            for (Thread o : warp) {
                if ((mask >>> (o.tid % 32) & 1) == 0) continue;
                if (o.wait != Wait.SHFL || o.waitingAt != in) {
                    throw new IllegalStateException("shfl.sync at '" + in.text + "' names lane " + (o.tid % 32) + " in its member mask, but that lane "
                            + (o.wait == Wait.DONE ? "has exited" : "is at '" + (o.waitingAt == null ? "?" : o.waitingAt.text) + "'")
                            + " (thread " + t.tid + ", block " + t.ctaid + ")");
                }
            }
        }
        long[] values = new long[32];
        boolean[] present = new boolean[32];
        for (Thread t : warp) {
            if (t.wait != Wait.SHFL) continue;
            Frame f = t.stack.peek();
            values[t.tid % 32] = read(t, f, t.waitingAt.args[1]) & 0xFFFFFFFFL;
            present[t.tid % 32] = true;
        }
        for (Thread t : warp) {
            if (t.wait != Wait.SHFL) continue;
            Frame f = t.stack.peek();
            Instr in = t.waitingAt;
            if (!in.mods[1].equals("down") && !in.mods[1].equals("bfly")) throw new IllegalStateException("only shfl.sync.down and .bfly are simulated: " + in.text);
            int lane = t.tid % 32;
            int delta = (int) read(t, f, in.args[2]);
            int clamp = (int) read(t, f, in.args[3]) & 31;
            int src = in.mods[1].equals("bfly") ? bflySource(lane, delta, clamp) : lane + delta;
            long v = src <= clamp && src < 32 && present[src] ? values[src] : values[lane];
            put(f, in.args[0].reg(), v);
            f.pc++;
            t.wait = Wait.NONE;
        }
    }

    /**
     * shfl.sync.bfly's source lane: lane xor delta within the segment that c's clamp bits allow
     * (jgrad's kernels pass c = 31: the whole warp). Returns a lane above the clamp, so the caller
     * keeps the thread's own value, when the partner is outside.
     */
    private static int bflySource(int lane, int delta, int clamp) {
        int src = lane ^ (delta & 31);
        return src > clamp ? 32 : src;
    }

    /** Runs a thread until it exits or reaches a synchronisation point. */
    private void run(Thread t) {
        while (true) {
            if (++steps > 500_000_000L) throw new IllegalStateException("simulation step limit reached (infinite loop?)");
            Frame f = t.stack.peek();
            if (f.pc >= f.fn.code.size()) throw new IllegalStateException("fell off the end of " + f.fn.name);
            Instr in = f.fn.code.get(f.pc);
            if (in.guardReg >= 0) {
                boolean p = regValue(f, in.guardReg, in) != 0;
                if (p == in.guardNeg) {
                    f.pc++;
                    continue;
                }
            }
            switch (in.op) {
                case "shfl" -> { t.wait = Wait.SHFL; t.waitingAt = in; return; }
                case "match" -> { t.wait = Wait.MATCH; t.waitingAt = in; return; }
                case "bar" -> { f.pc++; t.wait = Wait.BAR; return; }
                case "ret", "exit" -> {
                    Frame done = t.stack.pop();
                    if (t.stack.isEmpty()) { t.wait = Wait.DONE; return; }
                    Frame caller = t.stack.peek();
                    // copy the callee's return parameter into the caller's named slot
                    for (Map.Entry<String, Long> e : done.localParams.entrySet()) {
                        if (done.fn.regs.containsKey("$ret:" + e.getKey()) && done.retInto.length > 0) {
                            caller.localParams.put(done.retInto[0], e.getValue());
                        }
                    }
                    caller.pc++;
                    continue;
                }
                case "bra" -> { f.pc = in.target; continue; }
                case "call" -> {
                    Function callee = functions.get(in.callee);
                    if (callee == null) throw new IllegalStateException("call to unknown function " + in.callee);
                    Frame nf = new Frame(callee);
                    for (int i = 0; i < in.callArgs.length; i++) {
                        nf.localParams.put(callee.paramNames.get(i), f.localParams.getOrDefault(in.callArgs[i], 0L));
                    }
                    nf.retInto = in.callRet;
                    t.stack.push(nf);
                    continue;
                }
                default -> {
                    try {
                        exec(t, f, in);
                    } catch (RuntimeException e) {
                        throw new IllegalStateException(e.getMessage() + " [" + f.fn.name + ": " + in.text + ", thread " + t.tid + " block " + t.ctaid + "]", e);
                    }
                }
            }
            f.pc++;
        }
    }

    // ------------------------------------------------------------------ undefined behaviour the interpreter refuses

    private static void put(Frame f, int reg, long value) {
        f.regs[reg] = value;
        f.set[reg] = true;
    }

    /**
     * A register's value; refuses one that was never written on this thread's path. The
     * interpreter's registers start at 0, a GPU's hold whatever was there, so a kernel that reads
     * one before writing it passes here and fails at random there.
     */
    private static long regValue(Frame f, int reg, Instr in) {
        if (!f.set[reg]) {
            String name = "?";
            for (Map.Entry<String, Integer> e : f.fn.regs.entrySet()) if (e.getValue() == reg) name = e.getKey();
            throw new IllegalStateException("register " + name + " of " + f.fn.name + " is read before any write on this path"
                    + (in == null ? "" : " ('" + in.text + "')"));
        }
        return f.regs[reg];
    }

    /** What cuLaunchKernel refuses (or a GPU cannot hold): an empty grid, more than 1024 threads, over 48 KiB of static shared memory. */
    private void checkLaunchConfig(String entry, int grid, int block, int dynamicShared) {
        if (grid < 1) throw new IllegalArgumentException(entry + ": grid of " + grid + " blocks (a launch needs at least 1)");
        if (block < 1 || block > 1024) throw new IllegalArgumentException(entry + ": block of " + block + " threads (1 to 1024)");
        if (sharedBytes > 48 * 1024) throw new IllegalArgumentException(entry + ": " + sharedBytes + " bytes of static shared memory (48 KiB at most)");
        if (dynamicShared < 0) throw new IllegalArgumentException(entry + ": " + dynamicShared + " bytes of dynamic shared memory");
    }

    // ------------------------------------------------------------------ instruction semantics

    private long special(Thread t, String name) {
        return switch (name) {
            case "%tid.x", "%tid" -> t.tid;
            case "%ntid.x", "%ntid" -> ntid;
            case "%ctaid.x", "%ctaid" -> t.ctaid;
            case "%nctaid.x", "%nctaid" -> nctaid;
            case "%laneid" -> t.tid % 32;
            case "%lanemask_lt" -> (1L << (t.tid % 32)) - 1;
            case "%tid.y", "%tid.z", "%ctaid.y", "%ctaid.z" -> 0;
            case "%ntid.y", "%ntid.z", "%nctaid.y", "%nctaid.z" -> 1;
            default -> throw new IllegalStateException("unknown special register " + name);
        };
    }

    private long read(Thread t, Frame f, Operand o) {
        return switch (o.kind()) {
            case REG -> regValue(f, o.reg(), null);
            case NOTREG -> regValue(f, o.reg(), null) == 0 ? 1 : 0;
            case SPECIAL -> special(t, o.name());
            case IMM -> o.imm();
            case SYMBOL -> {
                Integer sh = sharedSymbols.get(o.name());
                if (sh != null) yield sh;
                // mov of a kernel parameter's name: its address in the .param space
                int idx = f.fn.entry ? f.fn.paramNames.indexOf(o.name()) : -1;
                if (idx < 0) throw new IllegalStateException("unknown symbol " + o.name());
                yield PARAM_BASE + f.fn.paramOffsets.get(idx);
            }
            case ADDR -> throw new IllegalStateException("address used as a value");
        };
    }

    private static float f32(long bits) { return Float.intBitsToFloat((int) bits); }

    private static long bits(float v) { return Float.floatToRawIntBits(v) & 0xFFFFFFFFL; }

    private static double f64(long bits) { return Double.longBitsToDouble(bits); }

    private static long bits(double v) { return Double.doubleToRawLongBits(v); }

    /** The last modifier that names a type (u32, f32, ...). */
    private static String type(Instr in) {
        if (in.type == null) throw new IllegalStateException("no type in '" + in.text + "'");
        return in.type;
    }

    private static boolean has(Instr in, String mod) {
        for (String m : in.mods) if (m.equals(mod)) return true;
        return false;
    }

    /** A raw register value as a signed long of the type's width. */
    private static long signed(long v, String type) {
        return switch (type) {
            case "s8" -> (byte) v;
            case "s16" -> (short) v;
            case "s32" -> (int) v;
            case "u8", "b8" -> v & 0xFF;
            case "u16", "b16" -> v & 0xFFFF;
            case "u32", "b32" -> v & 0xFFFFFFFFL;
            default -> v;
        };
    }

    private static long truncate(long v, String type) {
        return switch (type) {
            case "u8", "s8", "b8" -> v & 0xFF;
            case "u16", "s16", "b16" -> v & 0xFFFF;
            case "u32", "s32", "b32", "f32" -> v & 0xFFFFFFFFL;
            default -> v;
        };
    }

    private void exec(Thread t, Frame f, Instr in) {
        Operand[] a = in.args;
        String op = in.op;
        switch (op) {
            case "ld", "st" -> memory(t, f, in);
            case "mov" -> {
                    if (in.movUnpack == 1) {
                        long v = read(t, f, a[2]);
                        put(f, a[0].reg(), v & 0xFFFFFFFFL);
                        put(f, a[1].reg(), v >>> 32);
                    } else if (in.movUnpack == 2) {
                        put(f, a[0].reg(), (read(t, f, a[1]) & 0xFFFFFFFFL) | read(t, f, a[2]) << 32);
                    } else {
                        put(f, a[0].reg(), truncate(read(t, f, a[1]), type(in)));
                    }
                }
            case "cvta" -> put(f, a[0].reg(), read(t, f, a[1]));
            case "cvt" -> put(f, a[0].reg(), convert(in, read(t, f, a[1])));
            case "setp" -> {
                boolean r = compare(in, read(t, f, a[1]), read(t, f, a[2]));
                if (a.length > 3) { // setp.cmp.boolop: combined with a (possibly negated) predicate
                    boolean c = read(t, f, a[3]) != 0;
                    r = switch (in.mods[1]) {
                        case "and" -> r && c;
                        case "or" -> r || c;
                        case "xor" -> r ^ c;
                        default -> throw new IllegalStateException("setp bool op in " + in.text);
                    };
                }
                put(f, a[0].reg(), r ? 1 : 0);
            }
            case "red", "atom" -> atomic(t, f, in);
            case "activemask" -> { // the warp's lanes; only ever used as a match.sync member mask
                int first = t.tid / 32 * 32, lanes = Math.min(32, ntid - first);
                put(f, a[0].reg(), lanes == 32 ? 0xFFFFFFFFL : (1L << lanes) - 1);
            }
            case "popc" -> put(f, a[0].reg(), Long.bitCount(read(t, f, a[1]) & (type(in).endsWith("64") ? -1L : 0xFFFFFFFFL)));
            case "bfe" -> {
                long v = read(t, f, a[1]);
                int pos = (int) read(t, f, a[2]) & 0xFF, len = (int) read(t, f, a[3]) & 0xFF;
                if (!type(in).equals("u32")) throw new IllegalStateException("only bfe.u32 is simulated: " + in.text);
                put(f, a[0].reg(), len == 0 ? 0 : ((v & 0xFFFFFFFFL) >>> Math.min(pos, 32)) & ((1L << Math.min(len, 32)) - 1));
            }
            case "selp" -> put(f, a[0].reg(), read(t, f, a[3]) != 0 ? read(t, f, a[1]) : read(t, f, a[2]));
            default -> put(f, a[0].reg(), arithmetic(in, t, f));
        }
    }

    /** red/atom.{global,shared}.add.{u32,u64}: adds without a race (threads run one at a time). */
    private void atomic(Thread t, Frame f, Instr in) {
        if ("f32".equals(type(in))) { atomicAddF32(t, f, in); return; }
        boolean ret = in.op.equals("atom");
        Operand addr = in.args[ret ? 1 : 0], val = in.args[ret ? 2 : 1];
        String space = in.mods[0], opn = in.mods[1], type = type(in);
        int size = typeSize(type);
        long address = regValue(f, addr.reg(), in) + addr.offset();
        if (address % size != 0) throw new IllegalStateException("misaligned atomic at 0x" + Long.toHexString(address) + ": " + in.text);
        ByteBuffer mem = space.equals("global") ? global : shared;
        int i = space.equals("global") ? g(address, size) : (int) address;
        if (space.equals("shared") && (address < 0 || address + size > mem.capacity())) throw new IllegalStateException("out-of-bounds shared atomic: " + in.text);
        races.atomic(t, space, address, size, in);
        long old = size == 8 ? mem.getLong(i) : mem.getInt(i) & 0xFFFFFFFFL;
        long v = read(t, f, val);
        long result = switch (opn) {
            case "add" -> switch (type) {
                case "f32" -> Float.floatToRawIntBits(Float.intBitsToFloat((int) old) + Float.intBitsToFloat((int) v)) & 0xFFFFFFFFL;
                case "f64" -> Double.doubleToRawLongBits(Double.longBitsToDouble(old) + Double.longBitsToDouble(v));
                default -> old + v;
            };
            case "exch" -> v;
            // atom.cas: [a] = [a] == b ? c : [a]; the third source operand is the new value
            case "cas" -> old == truncate(v, type) ? read(t, f, in.args[3]) : old;
            case "max", "min" -> {
                boolean signed = type.startsWith("s");
                long o = signed ? signed(old, type) : old, w = signed ? signed(v, type) : truncate(v, type);
                int c = signed ? Long.compare(o, w) : Long.compareUnsigned(o, w);
                yield opn.equals("max") ? (c >= 0 ? old : v) : (c <= 0 ? old : v);
            }
            case "or" -> old | v;
            case "and" -> old & v;
            default -> throw new IllegalStateException("atomic ." + opn + " is not simulated: " + in.text);
        };
        if (size == 8) mem.putLong(i, result); else mem.putInt(i, (int) result);
        if (ret) put(f, in.args[0].reg(), old);
    }

    /** red/atom.global.add.f32 (the max-pool backward's scatter): a float add, rounded as the hardware's. */
    private void atomicAddF32(Thread t, Frame f, Instr in) {
        boolean ret = in.op.equals("atom");
        Operand addr = in.args[ret ? 1 : 0], val = in.args[ret ? 2 : 1];
        if (!in.mods[0].equals("global") || !in.mods[1].equals("add")) throw new IllegalStateException("only global float atomic add is simulated: " + in.text);
        long address = regValue(f, addr.reg(), in) + addr.offset();
        if (address % 4 != 0) throw new IllegalStateException("misaligned atomic at 0x" + Long.toHexString(address) + ": " + in.text);
        int i = g(address, 4);
        races.atomic(t, "global", address, 4, in);
        float old = global.getFloat(i);
        global.putFloat(i, old + f32(read(t, f, val)));
        if (ret) put(f, in.args[0].reg(), bits(old));
    }

    private void memory(Thread t, Frame f, Instr in) {
        String space = stateSpace(in);
        String type = type(in);
        int size = typeSize(type);
        boolean load = in.op.equals("ld");
        if (in.vec != null) { // ld/st.v2/.v4: consecutive elements, aligned to the whole vector
            Operand addr = load ? in.args[1] : in.args[0];
            if (!space.equals("global")) throw new IllegalStateException("vector access outside global memory: " + in.text);
            long address = regValue(f, addr.reg(), in) + addr.offset();
            int n = in.vec.length;
            if (address % ((long) size * n) != 0) throw new IllegalStateException("misaligned " + size * n + "-byte vector access at 0x" + Long.toHexString(address) + ": " + in.text);
            races.global(t, address, size * n, !load, in);
            for (int k = 0; k < n; k++) {
                int i = g(address + (long) k * size, size);
                if (load) {
                    long v = switch (size) { case 4 -> global.getInt(i); case 8 -> global.getLong(i); default -> throw new IllegalStateException(in.text); };
                    put(f, in.vec[k], type.startsWith("s") ? signed(v, type) : truncate(v, type));
                } else {
                    long v = regValue(f, in.vec[k], in);
                    if (size == 4) global.putInt(i, (int) v); else global.putLong(i, v);
                }
            }
            return;
        }
        Operand addr = load ? in.args[1] : in.args[0];
        Operand val = load ? in.args[0] : in.args[1];
        switch (space) {
            case "param" -> {
                if (addr.reg() >= 0) { kernelParamAt(f, regValue(f, addr.reg(), in) + addr.offset(), size, type, val, load, in); return; }
                int idx = f.fn.entry ? f.fn.paramNames.indexOf(addr.name()) : -1;
                if (idx >= 0) {
                    if (!load) throw new IllegalStateException("store to a kernel parameter: " + in.text);
                    int off = f.fn.paramOffsets.get(idx) + (int) addr.offset();
                    ByteBuffer p = ByteBuffer.wrap(kernelParams).order(ByteOrder.LITTLE_ENDIAN);
                    long v = switch (size) {
                        case 1 -> p.get(off);
                        case 4 -> p.getInt(off);
                        case 8 -> p.getLong(off);
                        default -> throw new IllegalStateException("param size " + size);
                    };
                    put(f, val.reg(), type.startsWith("s") ? signed(v, type) : truncate(v, type));
                } else if (load) {
                    // a call-scope or device-function parameter
                    put(f, val.reg(), truncate(f.localParams.getOrDefault(addr.name(), 0L), type));
                } else {
                    f.localParams.put(addr.name(), truncate(read(t, f, val), type));
                }
            }
            case "global", "shared" -> {
                ByteBuffer mem = space.equals("global") ? global : shared;
                long base = addr.reg() >= 0 ? regValue(f, addr.reg(), in) : read(t, f, new Operand(Kind.SYMBOL, addr.name(), 0, -1, 0));
                long address = base + addr.offset();
                int i;
                if (space.equals("global")) {
                    i = g(address, size);
                } else {
                    if (address < 0 || address + size > mem.capacity()) throw new IllegalStateException("out-of-bounds shared access: " + in.text);
                    i = (int) address;
                }
                if (address % size != 0) throw new IllegalStateException("misaligned " + size + "-byte access at 0x" + Long.toHexString(address) + ": " + in.text);
                if (space.equals("global")) races.global(t, address, size, !load, in); else races.shared(t, address, size, !load, in);
                if (load) {
                    long v = switch (size) {
                        case 1 -> mem.get(i);
                        case 2 -> mem.getShort(i);
                        case 4 -> mem.getInt(i);
                        default -> mem.getLong(i);
                    };
                    put(f, val.reg(), type.startsWith("s") ? signed(v, type) : truncate(v, type));
                } else {
                    long v = read(t, f, val);
                    switch (size) {
                        case 1 -> mem.put(i, (byte) v);
                        case 2 -> mem.putShort(i, (short) v);
                        case 4 -> mem.putInt(i, (int) v);
                        default -> mem.putLong(i, v);
                    }
                }
            }
            default -> throw new IllegalStateException("unsupported state space ." + space + ": " + in.text);
        }
    }

    /**
     * ld.param through a register holding a kernel parameter's address (from {@code mov.u64
     * %rd, p_meta}): the way a loop reads a by-value metadata block. Refused outside the entry's
     * parameters, misaligned, or as a store.
     */
    private void kernelParamAt(Frame f, long address, int size, String type, Operand val, boolean load, Instr in) {
        long off = address - PARAM_BASE;
        if (!f.fn.entry || !load) throw new IllegalStateException("register-addressed param access outside a kernel's parameters: " + in.text);
        if (off < 0 || off + size > f.fn.paramBytes) throw new IllegalStateException("out-of-bounds param access at offset " + off + ": " + in.text);
        if (address % size != 0) throw new IllegalStateException("misaligned " + size + "-byte param access at offset " + off + ": " + in.text);
        ByteBuffer p = ByteBuffer.wrap(kernelParams).order(ByteOrder.LITTLE_ENDIAN);
        long v = switch (size) {
            case 1 -> p.get((int) off);
            case 4 -> p.getInt((int) off);
            case 8 -> p.getLong((int) off);
            default -> throw new IllegalStateException("param size " + size);
        };
        put(f, val.reg(), type.startsWith("s") ? signed(v, type) : truncate(v, type));
    }

    /**
     * The state space of ld/st: its first space modifier, after any memory-order and scope
     * qualifiers ({@code st.relaxed.sys.global}); those order memory between concurrent
     * threads and the host, which the one-thread-at-a-time interpreter has no need to model.
     */
    private static String stateSpace(Instr in) {
        for (String m : in.mods) {
            if (m.equals("global") || m.equals("shared") || m.equals("param") || m.equals("local") || m.equals("const")) return m;
        }
        return in.mods[0];
    }

    private static boolean compare(Instr in, long x, long y) {
        String cmp = in.mods[0], type = type(in);
        if (type.equals("f32") || type.equals("f64")) {
            double a = type.equals("f32") ? f32(x) : f64(x), b = type.equals("f32") ? f32(y) : f64(y);
            boolean unordered = Double.isNaN(a) || Double.isNaN(b);
            return switch (cmp) {
                case "eq" -> !unordered && a == b;
                case "ne" -> !unordered && a != b;
                case "lt" -> !unordered && a < b;
                case "le" -> !unordered && a <= b;
                case "gt" -> !unordered && a > b;
                case "ge" -> !unordered && a >= b;
                case "neu" -> unordered || a != b;
                case "equ" -> unordered || a == b;
                case "ltu" -> unordered || a < b;
                case "leu" -> unordered || a <= b;
                case "gtu" -> unordered || a > b;
                case "geu" -> unordered || a >= b;
                case "num" -> !unordered;
                case "nan" -> unordered;
                default -> throw new IllegalStateException("setp ." + cmp);
            };
        }
        boolean unsigned = type.startsWith("u") || type.startsWith("b");
        long a = signed(x, type), b = signed(y, type);
        int c = unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b);
        return switch (cmp) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "lt", "lo" -> c < 0;
            case "le", "ls" -> c <= 0;
            case "gt", "hi" -> c > 0;
            case "ge", "hs" -> c >= 0;
            default -> throw new IllegalStateException("setp ." + cmp);
        };
    }

    /** cvt[.rnd].dst.src with PTX's saturation of float to integer (NaN gives 0). */
    private static long convert(Instr in, long v) {
        String rnd = in.rnd;
        String dst = in.types[0], src = in.types[1];
        boolean srcFloat = src.startsWith("f"), dstFloat = dst.startsWith("f");
        if (srcFloat) {
            double x = src.equals("f32") ? f32(v) : f64(v);
            if (dstFloat) {
                double r = switch (rnd) {
                    case "rni" -> Math.rint(x);
                    case "rzi" -> x < 0 ? Math.ceil(x) : Math.floor(x);
                    case "rmi" -> Math.floor(x);
                    case "rpi" -> Math.ceil(x);
                    default -> x;
                };
                return dst.equals("f32") ? bits((float) r) : bits(r);
            }
            double r = switch (rnd) {
                case "rni" -> Math.rint(x);
                case "rmi" -> Math.floor(x);
                case "rpi" -> Math.ceil(x);
                default -> x < 0 ? Math.ceil(x) : Math.floor(x);
            };
            if (Double.isNaN(r)) return 0;
            long lo, hi;
            switch (dst) {
                case "s8" -> { lo = Byte.MIN_VALUE; hi = Byte.MAX_VALUE; }
                case "u8" -> { lo = 0; hi = 255; }
                case "s16" -> { lo = Short.MIN_VALUE; hi = Short.MAX_VALUE; }
                case "u16" -> { lo = 0; hi = 65535; }
                case "s32" -> { lo = Integer.MIN_VALUE; hi = Integer.MAX_VALUE; }
                case "u32" -> { lo = 0; hi = 0xFFFFFFFFL; }
                case "s64" -> { lo = Long.MIN_VALUE; hi = Long.MAX_VALUE; }
                default -> { lo = 0; hi = Long.MAX_VALUE; }
            }
            long out = r <= lo ? lo : r >= hi ? hi : (long) r;
            return truncate(out, dst);
        }
        long x = signed(v, src);
        if (dstFloat) {
            boolean unsigned = src.startsWith("u");
            double d = unsigned && src.equals("u64") && x < 0 ? (double) (x >>> 1) * 2 : x;
            if (dst.equals("f32")) {
                float fl = src.equals("s64") ? (float) x : (float) d; // Java's long->float rounds to nearest, as cvt.rn does
                return bits(fl);
            }
            return bits(d);
        }
        return truncate(x, dst);
    }

    private long arithmetic(Instr in, Thread t, Frame f) {
        Operand[] a = in.args;
        String type = type(in);
        String op = in.op;
        if (type.equals("f32")) {
            float x = f32(read(t, f, a[1]));
            float y = a.length > 2 ? f32(read(t, f, a[2])) : 0;
            float r = switch (op) {
                case "add" -> x + y;
                case "sub" -> x - y;
                case "mul" -> x * y;
                case "div" -> x / y;
                case "fma" -> Math.fma(x, y, f32(read(t, f, a[3])));
                case "neg" -> -x;
                case "abs" -> Math.abs(x);
                case "sqrt" -> (float) Math.sqrt(x);
                case "rcp" -> 1f / x;
                case "ex2" -> (float) Math.pow(2, x);
                case "lg2" -> lg2Approx(x);
                case "max" -> has(in, "NaN") && (Float.isNaN(x) || Float.isNaN(y)) ? Float.NaN : Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.max(x, y);
                case "min" -> has(in, "NaN") && (Float.isNaN(x) || Float.isNaN(y)) ? Float.NaN : Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.min(x, y);
                case "copysign" -> Math.copySign(y, x);
                case "sin" -> (float) Math.sin(x); // .approx computed exactly, like ex2/lg2
                case "cos" -> (float) Math.cos(x);
                default -> throw new IllegalStateException("unsupported instruction: " + in.text);
            };
            return bits(r);
        }
        if (type.equals("f64")) {
            double x = f64(read(t, f, a[1]));
            double y = a.length > 2 ? f64(read(t, f, a[2])) : 0;
            double r = switch (op) { // IEEE round-to-nearest, as .rn (and Java) compute them
                case "add" -> x + y;
                case "sub" -> x - y;
                case "mul" -> x * y;
                case "div" -> x / y;
                case "fma" -> Math.fma(x, y, f64(read(t, f, a[3])));
                case "neg" -> -x;
                case "abs" -> Math.abs(x);
                case "sqrt" -> Math.sqrt(x);
                // max/min.f64: a NaN operand yields the other one; NaN only when both are NaN
                case "max" -> Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.max(x, y);
                case "min" -> Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.min(x, y);
                default -> throw new IllegalStateException("unsupported instruction: " + in.text);
            };
            return bits(r);
        }
        if (type.equals("pred")) {
            boolean x = read(t, f, a[1]) != 0, y = a.length > 2 && read(t, f, a[2]) != 0;
            boolean r = switch (op) {
                case "and" -> x && y;
                case "or" -> x || y;
                case "xor" -> x ^ y;
                case "not" -> !x;
                case "mov" -> x;
                default -> throw new IllegalStateException("unsupported instruction: " + in.text);
            };
            return r ? 1 : 0;
        }
        long x = read(t, f, a[1]);
        long y = a.length > 2 ? read(t, f, a[2]) : 0;
        boolean wide = has(in, "wide");
        int bitsW = typeSize(type) * 8;
        long sx = signed(x, type), sy = signed(y, type);
        boolean unsigned = type.startsWith("u") || type.startsWith("b");
        if (op.equals("mul") && has(in, "hi")) return mulHi(sx, sy, type);
        long r = switch (op) {
            case "add" -> sx + sy;
            case "sub" -> sx - sy;
            case "mul" -> wide ? sx * sy : sx * sy;
            case "mad" -> sx * sy + (wide ? read(t, f, a[3]) : signed(read(t, f, a[3]), type));
            case "div" -> unsigned ? Long.divideUnsigned(sx, sy) : sx / sy;
            case "rem" -> unsigned ? Long.remainderUnsigned(sx, sy) : sx % sy;
            case "and" -> x & y;
            case "or" -> x | y;
            case "xor" -> x ^ y;
            case "not" -> ~x;
            case "neg" -> -sx;
            case "shl" -> x << (y & 0xFF);
            case "shr" -> type.startsWith("s") ? sx >> (y & 0xFF) : (x & (bitsW == 64 ? -1L : (1L << bitsW) - 1)) >>> (y & 0xFF);
            case "min" -> unsigned ? (Long.compareUnsigned(sx, sy) < 0 ? sx : sy) : Math.min(sx, sy);
            case "max" -> unsigned ? (Long.compareUnsigned(sx, sy) > 0 ? sx : sy) : Math.max(sx, sy);
            default -> throw new IllegalStateException("unsupported instruction: " + in.text);
        };
        if (wide) return r; // 32 x 32 -> 64
        if (op.equals("mul") && has(in, "hi")) throw new IllegalStateException("mul.hi is not simulated: " + in.text);
        return truncate(r, type);
    }

    // ------------------------------------------------------------------ data races

    private final Races races = new Races();

    /** Turns the data-race check off (on by default), for a test that wants to show a racy kernel's output. */
    PtxSimulator raceCheck(boolean on) {
        races.on = on;
        return this;
    }

    /**
     * Threads run one at a time here, so a race cannot change a result; on a GPU it can. This
     * refuses plain (non-atomic) accesses that a GPU does not order, at byte granularity: two
     * threads touching one shared byte, at least one writing, with no bar.sync between them;
     * and within one launch two threads touching one global byte, at least one writing, unless
     * they are of one block with a bar.sync between them (blocks are never ordered within a
     * launch). Atomics (atom, red) do not race each other, but do race a plain access to the
     * same byte by another thread that nothing orders (reading a sum other threads still add
     * to, or overwriting it). Per byte it remembers the last writer, the last atomic user
     * and the last reader (so a race with an earlier reader can go unseen: it may miss races,
     * it reports no false ones).
     */
    private final class Races {
        boolean on = true;
        private String entry;
        private int block, epoch;
        /** global byte address -> {writer, its epoch, reader, its epoch, atomic user, its epoch}; threads as ctaid * ntid + tid, -1 none */
        private final Map<Long, int[]> global = new HashMap<>();
        private int[] sharedAccess = new int[0];

        void startLaunch(String entry, int block) {
            this.entry = entry;
            this.block = block;
            global.clear();
        }

        void startBlock(int sharedBytes) {
            epoch = 0;
            sharedAccess = new int[6 * sharedBytes];
            java.util.Arrays.fill(sharedAccess, -1);
        }

        void barrier() { epoch++; }

        void global(Thread t, long address, int size, boolean write, Instr in) {
            if (!on) return;
            int me = t.ctaid * block + t.tid;
            for (int k = 0; k < size; k++) {
                int[] a = global.computeIfAbsent(address + k, x -> new int[] {-1, 0, -1, 0, -1, 0});
                check(a, 0, me, write, "global", address + k, in);
            }
        }

        void shared(Thread t, long address, int size, boolean write, Instr in) {
            if (!on) return;
            for (int k = 0; k < size; k++) check(sharedAccess, 6 * (int) (address + k), t.tid, write, "shared", address + k, in);
        }

        /** atom/red: unordered against the last plain writer and reader by another thread; recorded as the last atomic user. */
        void atomic(Thread t, String space, long address, int size, Instr in) {
            if (!on) return;
            boolean glob = space.equals("global");
            int me = glob ? t.ctaid * block + t.tid : t.tid;
            for (int k = 0; k < size; k++) {
                int[] a = glob ? global.computeIfAbsent(address + k, x -> new int[] {-1, 0, -1, 0, -1, 0}) : sharedAccess;
                int at = glob ? 0 : 6 * (int) (address + k);
                int w = a[at], r = a[at + 2];
                if (w >= 0 && w != me && unordered(w, a[at + 1], me)) fail(space, address + k, in, me, w, "one updates it atomically, the other writes");
                if (r >= 0 && r != me && unordered(r, a[at + 3], me)) fail(space, address + k, in, me, r, "one updates it atomically, the other reads");
                a[at + 4] = me;
                a[at + 5] = epoch;
            }
        }

        /** a[at..at+5] = writer, its epoch, reader, its epoch, atomic user, its epoch. Threads of other blocks (global) are never ordered. */
        private void check(int[] a, int at, int me, boolean write, String space, long address, Instr in) {
            int w = a[at], r = a[at + 2];
            if (w >= 0 && w != me && unordered(w, a[at + 1], me)) fail(space, address, in, me, w, write ? "both write" : "one writes, the other reads");
            if (write && r >= 0 && r != me && unordered(r, a[at + 3], me)) fail(space, address, in, me, r, "one reads, the other writes");
            int u = a[at + 4];
            if (u >= 0 && u != me && unordered(u, a[at + 5], me)) fail(space, address, in, me, u, (write ? "one writes" : "one reads") + ", the other updates it atomically");
            if (write) { a[at] = me; a[at + 1] = epoch; } else { a[at + 2] = me; a[at + 3] = epoch; }
        }

        private boolean unordered(int other, int otherEpoch, int me) {
            return other / block != me / block || otherEpoch == epoch;
        }

        private void fail(String space, long address, Instr in, int me, int other, String how) {
            throw new IllegalStateException("data race in " + entry + " on " + space + " byte 0x" + Long.toHexString(address) + ": threads "
                    + describe(me) + " and " + describe(other) + " " + how + " with no barrier between them, at '" + in.text + "'");
        }

        private String describe(int gid) { return gid % block + " of block " + gid / block; }
    }

    /**
     * lg2.approx.f32: exact by default. With {@link #worstCaseApprox} on, inputs in [0.5, 2] come
     * back 2^-22 too high - the order of the hardware's documented absolute error there - so a
     * test can show that a kernel survives it (just below 1 the exact value is smaller than that,
     * so the approximation may be positive where the true logarithm is negative).
     */
    private float lg2Approx(float x) {
        double exact = Math.log(x) / Math.log(2);
        return (float) (worstCaseApprox && x >= 0.5f && x <= 2f ? exact + 0x1p-22 : exact);
    }

    private boolean worstCaseApprox;

    /** Makes lg2.approx err by its documented bound (see {@link #lg2Approx}) instead of computing exactly. */
    PtxSimulator worstCaseApprox(boolean on) {
        worstCaseApprox = on;
        return this;
    }

    /** mul.hi.{u32,s32}: the upper 32 bits of the 64-bit product (the Philox rounds). */
    private static long mulHi(long sx, long sy, String type) {
        if (!type.equals("u32") && !type.equals("s32")) throw new IllegalStateException("mul.hi is simulated for 32-bit types only, got ." + type);
        // both operands fit 32 bits, so the 64-bit product's bits are exact (unsigned: read them unsigned)
        long hi = type.equals("u32") ? (sx * sy) >>> 32 : (sx * sy) >> 32;
        return truncate(hi, type);
    }
}
