package org.jgrad.distributed;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Rank 0's side of {@link TcpStore}: the values and counters, and one daemon thread per
 * connected rank answering its requests. The wire format is Java's {@code DataOutputStream}:
 * a handshake (magic, rank, world size), then requests of one opcode byte and their operands;
 * each answer starts with a status byte ({@link #OK}, or {@link #ERROR} and a message).
 * Everything read from the network is checked (magic, ranks, lengths) before it is used.
 */
final class TcpStoreServer implements AutoCloseable {
    static final int MAGIC = 0x4A475354; // "JGST"
    static final byte OK = 0, ERROR = 1;
    static final byte SET = 1, GET = 2, ADD = 3, WAIT_COUNT = 4;

    private final ServerSocket listener;
    private final int worldSize;
    private final Duration timeout;
    private final State state = new State();
    private final Set<Integer> connected = Collections.synchronizedSet(new TreeSet<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    private TcpStoreServer(ServerSocket listener, int worldSize, Duration timeout) {
        this.listener = listener;
        this.worldSize = worldSize;
        this.timeout = timeout;
    }

    static TcpStoreServer listen(int port, int worldSize, Duration timeout) {
        ServerSocket ss;
        try {
            ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(port), Math.max(50, worldSize));
        } catch (IOException e) {
            throw new DistributedException("rank 0 of " + worldSize + ": cannot listen on port " + port + " for the rendezvous store ("
                    + LauncherEnv.MASTER_PORT + "): " + e.getMessage() + "; choose a free port");
        }
        TcpStoreServer s = new TcpStoreServer(ss, worldSize, timeout);
        Thread t = new Thread(s::acceptLoop, "jgrad-store-accept");
        t.setDaemon(true);
        t.start();
        return s;
    }

    int port() { return listener.getLocalPort(); }

    State state() { return state; }

    Set<Integer> connectedRanks() { return connected; }

    @Override
    public void close() throws IOException {
        closed = true;
        state.fail("rank 0 closed the rendezvous store");
        listener.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                try { s.close(); } catch (IOException ignored) { /* closing anyway */ }
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(s);
            Thread t = new Thread(() -> serve(s), "jgrad-store-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** One connected rank: the handshake, then requests until it disconnects. */
    private void serve(Socket s) {
        int rank = -1;
        try (s) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            rank = handshake(in, out);
            if (rank < 0) return;
            while (!closed) {
                byte op;
                try {
                    op = in.readByte();
                } catch (EOFException e) {
                    return; // the rank closed its store
                }
                answer(op, rank, in, out);
                out.flush();
            }
        } catch (SocketException | EOFException e) {
            // the rank went away, or we are closing: a wait that still needs that rank fails below
        } catch (IOException | RuntimeException e) {
            if (!closed) state.fail("rank 0 of " + worldSize + ": the connection of rank " + rank + " failed: " + e);
        } finally {
            sockets.remove(s);
            if (rank > 0) {
                connected.remove(rank);
                // waits that are not yet satisfied can no longer count on this rank (a wait already satisfied still succeeds)
                if (!closed) state.fail("rank " + rank + " of " + worldSize + " disconnected from the rendezvous store (it has stopped or failed)");
            }
        }
    }

    /** Checks the client's magic, rank and world size; returns its rank, or -1 after answering with an error. */
    private int handshake(DataInputStream in, DataOutputStream out) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            // not a jgrad store client (a port scan, another program): say so and drop it, the job goes on
            refuse(out, "rank 0's rendezvous store: the peer is not a jgrad process (first word 0x" + Integer.toHexString(magic) + ")");
            return -1;
        }
        int rank = in.readInt(), size = in.readInt();
        String problem = null;
        if (size != worldSize) {
            problem = "rank " + rank + " has " + LauncherEnv.WORLD_SIZE + "=" + size + " but rank 0 has " + LauncherEnv.WORLD_SIZE + "=" + worldSize
                    + "; every rank must be started with the same " + LauncherEnv.WORLD_SIZE;
        } else if (rank < 1 || rank >= worldSize) {
            problem = "a process connected to rank 0's rendezvous store as rank " + rank + ", outside 1.." + (worldSize - 1)
                    + " (" + LauncherEnv.RANK + " must differ on every process, 0 being the one that serves the store)";
        } else if (!connected.add(rank)) {
            problem = "two processes connected to rank 0's rendezvous store as rank " + rank + " (" + LauncherEnv.RANK + " must differ on every process)";
        }
        if (problem != null) {
            try {
                refuse(out, problem); // first, so the refused rank hears why before rank 0 fails (and perhaps exits)
            } finally {
                state.fail(problem);
            }
            return -1;
        }
        out.writeByte(OK);
        out.flush();
        return rank;
    }

    private static void refuse(DataOutputStream out, String message) throws IOException {
        out.writeByte(ERROR);
        out.writeUTF(message);
        out.flush();
    }

    private void answer(byte op, int rank, DataInputStream in, DataOutputStream out) throws IOException {
        String who = "rank " + rank + " of " + worldSize;
        switch (op) {
            case SET -> {
                String key = in.readUTF();
                byte[] v = readBytes(in);
                state.set(key, v);
                out.writeByte(OK);
            }
            case GET -> {
                String key = in.readUTF();
                try {
                    byte[] v = state.await(key, timeout, who + ": waiting for key '" + key + "'");
                    out.writeByte(OK);
                    out.writeInt(v.length);
                    out.write(v);
                } catch (DistributedException e) {
                    refuse(out, e.getMessage());
                }
            }
            case ADD -> {
                String key = in.readUTF();
                long delta = in.readLong();
                long v = state.add(key, delta);
                out.writeByte(OK);
                out.writeLong(v);
            }
            case WAIT_COUNT -> {
                String key = in.readUTF();
                long target = in.readLong();
                try {
                    state.awaitCount(key, target, timeout, who + ": " + counterName(key));
                } catch (DistributedException e) {
                    refuse(out, e.getMessage());
                    return;
                }
                out.writeByte(OK);
                out.flush();
                // counted once the answer is on its way, so rank 0 can leave (and close) after the barrier safely
                state.add(answeredKey(key), 1);
            }
            default -> throw new IOException("unknown request " + op + " from rank " + rank);
        }
    }

    /** A length-prefixed byte string, its length checked before anything is allocated. */
    static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > TcpStore.MAX_VALUE_BYTES) throw new IOException("a value of " + n + " bytes (at most " + TcpStore.MAX_VALUE_BYTES + ")");
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** The counter of waiting ranks that have been answered for {@code key}. */
    static String answeredKey(String key) { return key + "/answered"; }

    static String counterName(String key) { return key.startsWith("jgrad/barrier/") ? "the other ranks to reach the barrier" : "counter '" + key + "'"; }

    /**
     * The values and counters, and the first failure seen (a refused rank, a broken
     * connection), which every waiting call then reports instead of running into the timeout.
     */
    static final class State {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final Map<String, byte[]> values = new HashMap<>();
        private final Map<String, Long> counters = new HashMap<>();
        private String failure;

        void set(String key, byte[] value) {
            lock.lock();
            try {
                values.put(key, value);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        long add(String key, long delta) {
            lock.lock();
            try {
                long v = counters.merge(key, delta, Long::sum);
                changed.signalAll();
                return v;
            } finally {
                lock.unlock();
            }
        }

        void fail(String why) {
            lock.lock();
            try {
                if (failure == null) failure = why;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        byte[] await(String key, Duration timeout, String what) {
            return waitFor(timeout, what, () -> values.get(key)).clone();
        }

        void awaitCount(String key, long target, Duration timeout, String what) {
            waitFor(timeout, what, true, () -> counters.getOrDefault(key, 0L) >= target ? Boolean.TRUE : null);
        }

        /**
         * As {@link #awaitCount} but a recorded failure does not end the wait: used once every
         * rank has arrived, for the answers to reach them, when a rank that got its answer and
         * left is no failure.
         */
        void awaitCountDespiteFailures(String key, long target, Duration timeout, String what) {
            waitFor(timeout, what, false, () -> counters.getOrDefault(key, 0L) >= target ? Boolean.TRUE : null);
        }

        private <T> T waitFor(Duration timeout, String what, java.util.function.Supplier<T> ready) {
            return waitFor(timeout, what, true, ready);
        }

        private <T> T waitFor(Duration timeout, String what, boolean failFast, java.util.function.Supplier<T> ready) {
            long left = timeout.toNanos();
            lock.lock();
            try {
                while (true) {
                    T v = ready.get();
                    if (v != null) return v;
                    if (failFast && failure != null) throw new DistributedException(what + " failed: " + failure);
                    if (left <= 0) {
                        throw new DistributedException(what + ": not done within " + timeout.toSeconds() + " s; another rank has "
                                + "probably failed or was never started");
                    }
                    left = changed.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DistributedException(what + ": interrupted");
            } finally {
                lock.unlock();
            }
        }
    }
}
