package org.jgrad.distributed;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A small key-value store over TCP for the environment rendezvous, like PyTorch's
 * {@code TCPStore}: rank 0 listens at {@code MASTER_PORT} and keeps the values; the other
 * ranks connect to {@code MASTER_ADDR:MASTER_PORT}, retrying until the timeout while rank 0
 * is not up yet. Values are bytes ({@link #set}, {@link #get}, which waits for the key), and
 * {@link #barrier} returns once every rank has called it. It carries NCCL's unique id from
 * rank 0 to the others when no MPI launcher is there to broadcast it.
 *
 * <p>Every connection starts with a handshake carrying the client's rank and world size: a
 * rank whose {@code WORLD_SIZE} differs from rank 0's, a rank out of range or a rank that
 * connects twice is refused with an error naming both values, and rank 0's own waits then fail
 * with the same message instead of running into the timeout. Nothing is encrypted or
 * authenticated: use it inside the cluster's network, as torchrun's store.
 */
public final class TcpStore implements AutoCloseable {
    /** Largest value accepted (the store carries ids and small messages, not tensors). */
    static final int MAX_VALUE_BYTES = 1 << 24;

    private final int rank, worldSize;
    private final String address;
    private final Duration timeout;
    private final TcpStoreServer server;   // rank 0 only
    private final Socket socket;           // the other ranks
    private final DataInputStream in;
    private final DataOutputStream out;
    private int barriers;
    private boolean closed;

    private TcpStore(int rank, int worldSize, String address, Duration timeout, TcpStoreServer server, Socket socket) throws IOException {
        this.rank = rank;
        this.worldSize = worldSize;
        this.address = address;
        this.timeout = timeout;
        this.server = server;
        this.socket = socket;
        this.in = socket == null ? null : new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket == null ? null : new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    /**
     * Rank 0 listens on {@code port} (every interface; 0 picks a free port, see {@link #port()});
     * the other ranks connect to {@code host:port}, retrying until {@code timeout}.
     *
     * @throws DistributedException naming the address and the rank when rank 0 cannot listen,
     *                              cannot be reached in time, or refuses this rank
     */
    public static TcpStore open(String host, int port, int rank, int worldSize, Duration timeout) {
        if (worldSize < 1) throw new IllegalArgumentException("worldSize must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize) throw new IllegalArgumentException("rank " + rank + " is outside 0.." + (worldSize - 1));
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        if (rank != 0 && (host == null || host.isBlank())) throw new IllegalArgumentException("host must name rank 0's machine, got '" + host + "'");
        if (rank != 0 && port == 0) throw new IllegalArgumentException("rank " + rank + " needs rank 0's port, got 0");
        String where = (host == null ? "*" : host) + ":" + port;
        try {
            if (rank == 0) {
                TcpStoreServer s = TcpStoreServer.listen(port, worldSize, timeout);
                return new TcpStore(0, worldSize, (host == null ? "*" : host) + ":" + s.port(), timeout, s, null);
            }
            Socket sock = connectWithRetries(host, port, rank, worldSize, timeout);
            TcpStore store = new TcpStore(rank, worldSize, where, timeout, null, sock);
            store.handshake();
            return store;
        } catch (IOException e) {
            throw new DistributedException(rankName(rank, worldSize) + ": the rendezvous store at " + where + " failed: " + e, e);
        }
    }

    /** This process's rank. */
    public int rank() { return rank; }

    public int worldSize() { return worldSize; }

    /** The port rank 0 listens on (useful when it was opened with port 0), or the port connected to. */
    public int port() { return server != null ? server.port() : socket.getPort(); }

    /** "host:port" of the store, for messages. */
    public String address() { return address; }

    /** Stores {@code value} under {@code key}, replacing any earlier value; waiting {@link #get}s return it. */
    public synchronized void set(String key, byte[] value) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        if (value.length > MAX_VALUE_BYTES) throw new IllegalArgumentException("value of '" + key + "' has " + value.length + " bytes; at most " + MAX_VALUE_BYTES);
        checkOpen();
        if (server != null) {
            server.state().set(key, value.clone());
            return;
        }
        request("set '" + key + "'", () -> {
            out.writeByte(TcpStoreServer.SET);
            out.writeUTF(key);
            out.writeInt(value.length);
            out.write(value);
        }, () -> null);
    }

    /** The value of {@code key}, waiting up to the timeout for some rank to {@link #set} it. */
    public synchronized byte[] get(String key) {
        checkKey(key);
        checkOpen();
        if (server != null) return server.state().await(key, timeout, "rank 0 of " + worldSize + ": waiting for key '" + key + "'");
        return request("get '" + key + "'", () -> {
            out.writeByte(TcpStoreServer.GET);
            out.writeUTF(key);
        }, () -> TcpStoreServer.readBytes(in));
    }

    /** Adds {@code delta} to the counter {@code key} (0 when new) and returns the new value. */
    public synchronized long add(String key, long delta) {
        checkKey(key);
        checkOpen();
        if (server != null) return server.state().add(key, delta);
        return request("add '" + key + "'", () -> {
            out.writeByte(TcpStoreServer.ADD);
            out.writeUTF(key);
            out.writeLong(delta);
        }, in::readLong);
    }

    /** Returns once every rank of the store has called it (the n-th call of each rank meets the others' n-th). */
    public synchronized void barrier() {
        checkOpen();
        String key = "jgrad/barrier/" + barriers++;
        add(key, 1);
        String what = "barrier " + (barriers - 1);
        if (server != null) {
            String who = "rank 0 of " + worldSize + ": " + what;
            server.state().awaitCount(key, worldSize, timeout, who + " (" + TcpStoreServer.counterName(key) + ")");
            // and until every other rank has been told: rank 0 may close the store right after
            server.state().awaitCountDespiteFailures(TcpStoreServer.answeredKey(key), worldSize - 1, timeout, who + " (answering the other ranks)");
            return;
        }
        request(what, () -> {
            out.writeByte(TcpStoreServer.WAIT_COUNT);
            out.writeUTF(key);
            out.writeLong(worldSize);
        }, () -> null);
    }

    /** Closes the connection; on rank 0, stops serving (the other ranks' later calls fail). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (server != null) server.close();
            if (socket != null) socket.close();
        } catch (IOException e) {
            // nothing to recover: the peer will see the closed connection
        }
    }

    // ------------------------------------------------------------------ client side

    private interface Io<T> { T run() throws IOException; }

    private interface Send { void run() throws IOException; }

    /** Sends one request and reads the status byte, then the answer; errors name the rank, the store and what was asked. */
    private <T> T request(String what, Send send, Io<T> answer) {
        try {
            // a waiting call may take the whole timeout on the server; leave a margin for the answer to arrive
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis() + 5_000));
            send.run();
            out.flush();
            byte status = in.readByte();
            if (status != TcpStoreServer.OK) {
                String why = in.readUTF();
                String me = rankName(rank, worldSize);
                throw new DistributedException((why.startsWith(me) ? why : me + ": " + why) + " (rendezvous store " + address + ")");
            }
            return answer.run();
        } catch (SocketTimeoutException e) {
            throw new DistributedException(rankName(rank, worldSize) + ": " + what + " at the rendezvous store " + address
                    + " got no answer within " + timeout.toSeconds() + " s");
        } catch (EOFException e) {
            throw new DistributedException(rankName(rank, worldSize) + ": rank 0 closed the rendezvous store " + address
                    + " during " + what + " (rank 0 has stopped or failed)");
        } catch (IOException e) {
            throw new DistributedException(rankName(rank, worldSize) + ": " + what + " at the rendezvous store " + address + " failed: " + e, e);
        }
    }

    private void handshake() throws IOException {
        request("the handshake", () -> {
            out.writeInt(TcpStoreServer.MAGIC);
            out.writeInt(rank);
            out.writeInt(worldSize);
        }, () -> null);
    }

    private static Socket connectWithRetries(String host, int port, int rank, int worldSize, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 50;
        IOException last;
        while (true) {
            Socket s = new Socket();
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                s.connect(new InetSocketAddress(host, port), (int) Math.min(left, 5_000));
                s.setTcpNoDelay(true);
                return s;
            } catch (IOException e) {
                last = e;
                try { s.close(); } catch (IOException ignored) { /* never opened */ }
            }
            if (System.nanoTime() >= deadline) break;
            try {
                Thread.sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DistributedException(rankName(rank, worldSize) + ": interrupted while connecting to the rendezvous store at " + host + ":" + port);
            }
            pause = Math.min(1000, pause * 2);
        }
        throw new DistributedException(rankName(rank, worldSize) + ": could not reach rank 0's rendezvous store at " + host + ":" + port
                + " (" + LauncherEnv.MASTER_ADDR + ":" + LauncherEnv.MASTER_PORT + ") within " + timeout.toSeconds() + " s: " + last
                + "; is rank 0 running, and do all ranks have the same " + LauncherEnv.MASTER_ADDR + " and " + LauncherEnv.MASTER_PORT + "?");
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("key must be a non-empty string, got " + (key == null ? "null" : "''"));
        if (key.length() > 1024) throw new IllegalArgumentException("key must have at most 1024 characters, got " + key.length());
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(rankName(rank, worldSize) + ": the rendezvous store " + address + " is closed");
    }

    static String rankName(int rank, int worldSize) { return "rank " + rank + " of " + worldSize; }

    /** For tests: every connection rank 0 has accepted and not yet closed. */
    List<Integer> connectedRanks() { return server == null ? List.of() : new ArrayList<>(server.connectedRanks()); }
}
