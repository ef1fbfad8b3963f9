package org.jgrad.distributed;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The environment rendezvous over loopback, each rank a thread with its own {@link TcpStore}
 * (the same code path as separate processes: every non-zero rank talks to rank 0 through a
 * socket). Checked: values reach every rank, barriers hold everyone until the last arrives,
 * rank 0 missing ends in a timeout naming the address and the rank, and a rank started with
 * another WORLD_SIZE is refused with both values named, on both sides, without waiting out
 * the timeout.
 */
class TcpStoreTest {
    static final Duration LONG = Duration.ofSeconds(30);
    static final String HOST = "127.0.0.1";

    private static <T> List<T> onThreads(List<Callable<T>> ranks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ranks.size());
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (Callable<T> c : ranks) fs.add(pool.submit(c));
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) out.add(f.get(60, TimeUnit.SECONDS));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void rankZerosValueReachesEveryRankAndBarriersWaitForTheLast() throws Exception {
        try (TcpStore zero = TcpStore.open(HOST, 0, 0, 3, LONG)) {
            int port = zero.port();
            byte[] id = new byte[128];
            for (int i = 0; i < id.length; i++) id[i] = (byte) (i * 7 + 3);
            List<Callable<byte[]>> ranks = new ArrayList<>();
            ranks.add(() -> Rendezvous.over(zero, 0).shareFromRankZero("nccl/id", id));
            for (int r = 1; r < 3; r++) {
                int rank = r;
                ranks.add(() -> {
                    try (TcpStore s = TcpStore.open(HOST, port, rank, 3, LONG)) {
                        return Rendezvous.over(s, rank).shareFromRankZero("nccl/id", null);
                    }
                });
            }
            for (byte[] got : onThreads(ranks)) assertArrayEquals(id, got);
        }
    }

    @Test
    void aBarrierReturnsOnlyWhenEveryRankHasArrived() throws Exception {
        try (TcpStore zero = TcpStore.open(HOST, 0, 0, 2, LONG)) {
            int port = zero.port();
            List<Callable<Long>> ranks = List.of(
                    () -> {
                        Thread.sleep(400); // rank 0 arrives late
                        long arrived = System.nanoTime();
                        zero.barrier();
                        zero.barrier();
                        return arrived;
                    },
                    () -> {
                        try (TcpStore s = TcpStore.open(HOST, port, 1, 2, LONG)) {
                            s.barrier();
                            long left = System.nanoTime();
                            s.barrier(); // a second barrier is a new meeting, not the first one again
                            assertEquals(2, s.add("k", 2));
                            return left;
                        }
                    });
            List<Long> t = onThreads(ranks);
            assertTrue(t.get(1) >= t.get(0), "rank 1 left the barrier before rank 0 arrived");
            assertEquals(5, zero.add("k", 3), "counters are shared by the ranks");
        }
    }

    @Test
    void aValueSetLaterIsWaitedFor() throws Exception {
        try (TcpStore zero = TcpStore.open(HOST, 0, 0, 2, LONG)) {
            int port = zero.port();
            List<Callable<String>> ranks = List.of(
                    () -> {
                        Thread.sleep(300);
                        zero.set("greeting", "hello".getBytes(StandardCharsets.UTF_8));
                        return "set";
                    },
                    () -> {
                        try (TcpStore s = TcpStore.open(HOST, port, 1, 2, LONG)) {
                            return new String(s.get("greeting"), StandardCharsets.UTF_8);
                        }
                    });
            assertEquals(List.of("set", "hello"), onThreads(ranks));
        }
    }

    @Test
    void rankZeroMissingEndsInATimeoutNamingTheAddressAndTheRank() throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        DistributedException e = assertThrows(DistributedException.class, () -> TcpStore.open(HOST, port, 1, 2, Duration.ofSeconds(1)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        String m = e.getMessage();
        assertTrue(m.startsWith("rank 1 of 2: could not reach rank 0's rendezvous store at 127.0.0.1:" + port), m);
        assertTrue(m.contains("(MASTER_ADDR:MASTER_PORT) within 1 s"), m);
        assertTrue(seconds >= 0.9 && seconds < 10, "gave up after " + seconds + " s, expected about the 1 s timeout");
    }

    @Test
    void aRankStartedLateStillConnectsWithinTheTimeout() throws Exception {
        int port = freePort();
        List<Callable<byte[]>> ranks = List.of(
                () -> {
                    Thread.sleep(700); // rank 1 is already retrying
                    try (TcpStore zero = TcpStore.open(HOST, port, 0, 2, LONG)) {
                        return Rendezvous.over(zero, 0).shareFromRankZero("id", new byte[] {4, 2});
                    }
                },
                () -> {
                    try (TcpStore s = TcpStore.open(HOST, port, 1, 2, LONG)) {
                        return Rendezvous.over(s, 1).shareFromRankZero("id", null);
                    }
                });
        for (byte[] b : onThreads(ranks)) assertArrayEquals(new byte[] {4, 2}, b);
    }

    @Test
    void aWrongWorldSizeIsRefusedOnBothSidesWithBothValues() throws Exception {
        try (TcpStore zero = TcpStore.open(HOST, 0, 0, 2, LONG)) {
            int port = zero.port();
            DistributedException e = assertThrows(DistributedException.class, () -> TcpStore.open(HOST, port, 1, 3, LONG));
            String m = e.getMessage();
            assertTrue(m.startsWith("rank 1 of 3: rank 1 has WORLD_SIZE=3 but rank 0 has WORLD_SIZE=2"), m);
            assertTrue(m.contains("rendezvous store 127.0.0.1:" + port), m);
            long t0 = System.nanoTime();
            DistributedException z = assertThrows(DistributedException.class, zero::barrier);
            assertTrue(z.getMessage().contains("rank 1 has WORLD_SIZE=3 but rank 0 has WORLD_SIZE=2"), z.getMessage());
            assertTrue((System.nanoTime() - t0) / 1e9 < 10, "rank 0 must not wait out its 30 s timeout");
        }
    }

    @Test
    void twoProcessesClaimingOneRankAreRefused() throws Exception {
        try (TcpStore zero = TcpStore.open(HOST, 0, 0, 3, LONG);
             TcpStore first = TcpStore.open(HOST, zero.port(), 2, 3, LONG)) {
            DistributedException e = assertThrows(DistributedException.class, () -> TcpStore.open(HOST, zero.port(), 2, 3, LONG));
            assertTrue(e.getMessage().contains("two processes connected to rank 0's rendezvous store as rank 2"), e.getMessage());
            assertEquals(2, first.rank());
        }
    }

    @Test
    void aMissingValueTimesOutWithTheKeyAndTheRank() throws Exception {
        try (TcpStore zero = TcpStore.open(HOST, 0, 0, 2, Duration.ofSeconds(1));
             TcpStore one = TcpStore.open(HOST, zero.port(), 1, 2, Duration.ofSeconds(1))) {
            DistributedException e = assertThrows(DistributedException.class, () -> one.get("never"));
            assertTrue(e.getMessage().startsWith("rank 1 of 2: waiting for key 'never': not done within 1 s"), e.getMessage());
            DistributedException b = assertThrows(DistributedException.class, zero::barrier);
            assertTrue(b.getMessage().startsWith("rank 0 of 2: barrier 0"), b.getMessage());
        }
    }

    @Test
    void rankZeroClosingMakesTheOthersFailInsteadOfHanging() throws Exception {
        TcpStore zero = TcpStore.open(HOST, 0, 0, 2, LONG);
        try (TcpStore one = TcpStore.open(HOST, zero.port(), 1, 2, LONG)) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> waiting = pool.submit(() -> one.get("never"));
                Thread.sleep(300);
                zero.close();
                var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> waiting.get(20, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof DistributedException, String.valueOf(e.getCause()));
                assertTrue(e.getCause().getMessage().startsWith("rank 1 of 2:"), e.getCause().getMessage());
                assertTrue(e.getCause().getMessage().contains("rank 0"), e.getCause().getMessage());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aRankThatLeavesBeforeTheBarrierMakesRankZeroFailFast() throws Exception {
        try (TcpStore zero = TcpStore.open(HOST, 0, 0, 2, LONG)) {
            TcpStore.open(HOST, zero.port(), 1, 2, LONG).close(); // connected, then gone (it failed)
            long t0 = System.nanoTime();
            DistributedException e = assertThrows(DistributedException.class, zero::barrier);
            assertTrue(e.getMessage().contains("rank 1 of 2 disconnected from the rendezvous store"), e.getMessage());
            assertTrue((System.nanoTime() - t0) / 1e9 < 10, "rank 0 must not wait out its 30 s timeout");
        }
    }

    @Test
    void badArgumentsAreNamed() {
        var e1 = assertThrows(IllegalArgumentException.class, () -> TcpStore.open(HOST, 1234, 2, 2, LONG));
        assertTrue(e1.getMessage().contains("rank 2 is outside 0..1"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> TcpStore.open(HOST, 0, 1, 2, LONG));
        assertTrue(e2.getMessage().contains("rank 1 needs rank 0's port, got 0"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> TcpStore.open(HOST, 70000, 0, 2, LONG));
        assertTrue(e3.getMessage().contains("port must be in 0..65535, got 70000"), e3.getMessage());
    }

    @Test
    void rankZeroCannotListenOnABusyPort() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            var e = assertThrows(DistributedException.class, () -> TcpStore.open(HOST, busy.getLocalPort(), 0, 2, LONG));
            assertTrue(e.getMessage().startsWith("rank 0 of 2: cannot listen on port " + busy.getLocalPort()), e.getMessage());
        }
    }

    /** The launcher variables as torchrun sets them lead, through the factory, to a store rendezvous. */
    @Test
    void torchrunVariablesGiveAStoreRendezvous() throws Exception {
        int port = freePort();
        List<Callable<byte[]>> ranks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int rank = r;
            ranks.add(() -> {
                LauncherEnv env = LauncherEnv.parse(java.util.Map.of("RANK", "" + rank, "WORLD_SIZE", "2", "LOCAL_RANK", "" + rank,
                        "MASTER_ADDR", HOST, "MASTER_PORT", "" + port));
                try (Rendezvous rv = ProcessGroups.rendezvous(env, LONG)) {
                    assertEquals(rank, rv.rank());
                    assertEquals(rank, rv.localRank());
                    assertEquals("TCP store " + (rank == 0 ? HOST : HOST) + ":" + port, rv.describe());
                    byte[] v = rv.shareFromRankZero("x", rank == 0 ? new byte[] {9, 8, 7} : null);
                    rv.barrier();
                    return v;
                }
            });
        }
        for (byte[] b : onThreads(ranks)) assertArrayEquals(new byte[] {9, 8, 7}, b);
    }
}
