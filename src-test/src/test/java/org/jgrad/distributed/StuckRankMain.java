package org.jgrad.distributed;

import org.jgrad.tensor.Tensor;

/**
 * Run under mpirun by {@link RankFailureTest}: the last rank stays alive but never joins the
 * all-reduce, so the others must give up after the group's timeout and abort the job.
 */
public final class StuckRankMain {
    public static void main(String[] args) throws Exception {
        try (ProcessGroup pg = ProcessGroup.fromEnvironment()) {
            System.out.println("rank " + pg.rank() + " timeout " + pg.timeout().toSeconds() + " s");
            if (pg.rank() == pg.worldSize() - 1) {
                System.out.println("rank " + pg.rank() + " stops calling collectives");
                System.out.flush();
                Thread.sleep(3_600_000);
            }
            pg.allReduce(Tensor.zeros(4), ReduceOp.SUM);
            System.out.println("rank " + pg.rank() + " DONE");
        }
    }
}
