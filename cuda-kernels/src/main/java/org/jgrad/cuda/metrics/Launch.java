package org.jgrad.cuda.metrics;

import java.util.List;

/** One kernel launch of a metric plan: which entry, the 1-D grid and block, dynamic shared bytes, the .param values in order. */
public record Launch(String module, String kernel, int grid, int block, int sharedBytes, List<Object> args) {
    public Launch {
        args = List.copyOf(args);
    }

    void run(Launcher l) {
        if (grid > 0) l.launch(module, kernel, grid, block, sharedBytes, args.toArray());
    }
}
