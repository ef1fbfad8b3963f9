package org.jgrad.examples;

import org.jgrad.train.Callback;
import org.jgrad.train.FitState;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Ctrl-C (or a SIGTERM) prints while {@code jgrad train} runs: where the run stands and the
 * exact command that continues it. A JVM shutdown hook, armed for the fit only; it counts the
 * epochs whose checkpoint is written, through the trainer's callbacks.
 */
final class InterruptNotice implements Callback {
    private final Options o;
    private final RunFolder folder;
    private final PrintStream out;
    private final Thread hook = new Thread(this::print, "jgrad-interrupt-notice");
    private volatile int epochsSaved;
    private volatile boolean armed;

    InterruptNotice(Options o, RunFolder folder, PrintStream out) {
        this.o = o;
        this.folder = folder;
        this.out = out;
    }

    void arm() {
        armed = true;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    void disarm() {
        armed = false;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook runs (and, disarmed, says nothing)
        }
    }

    @Override
    public void onFitStart(FitState s) { epochsSaved = s.history().size(); }

    /**
     * Writes epoch {@code epochsDone}'s checkpoint unless the JVM is shutting down: the training
     * thread runs on while the hook prints, so once the hook has begun no newer checkpoint is
     * written, and the hook waits for one being written. The epoch it names is then the one
     * {@code latest} holds.
     */
    void checkpoint(int epochsDone, Runnable save) {
        synchronized (this) {
            if (stopping) return;
            save.run();
            epochsSaved = epochsDone;
        }
    }

    private volatile boolean stopping;

    private void print() {
        if (!armed) return;
        String m;
        synchronized (this) {
            stopping = true;
            m = message();
        }
        out.flush();
        System.err.println();
        System.err.println(m);
        System.err.flush();
    }

    String message() {
        if (epochsSaved == 0) {
            return "jgrad: interrupted before the first epoch ended; nothing to resume. To start again: " + command(false);
        }
        return "jgrad: interrupted; " + folder.checkpoints() + " holds epoch " + epochsSaved + " of " + o.effectiveEpochs()
                + ". To continue: " + command(true);
    }

    /**
     * The command line of this run as the user typed it, with {@code --resume --out FOLDER}
     * (the run's own folder: runs/latest may point elsewhere by then) when resuming.
     */
    String command(boolean resume) {
        List<String> words = new ArrayList<>();
        words.add(System.getProperty("jgrad.launcher", "jgrad"));
        words.add("train");
        List<String> a = o.args;
        for (int i = 0; i < a.size(); i++) {
            String w = a.get(i);
            boolean dropName = resume && (w.equals("--name") || w.startsWith("--name="));
            if (w.equals("--resume") || w.startsWith("--out=") || dropName && w.startsWith("--name=")) continue;
            if (w.equals("--out") || dropName) {
                i++;
                continue;
            }
            words.add(w);
        }
        if (resume) {
            words.add("--resume");
            words.add("--out");
            words.add(folder.root.toString());
        } else if (o.outGiven) {
            words.add("--out");
            words.add(folder.root.toString());
        }
        StringBuilder sb = new StringBuilder();
        for (String w : words) sb.append(sb.isEmpty() ? "" : " ").append(quote(w));
        return sb.toString();
    }

    /** A word as a POSIX shell reads it back: as is when plain, else in single quotes. */
    static String quote(String w) {
        if (!w.isEmpty() && w.matches("[A-Za-z0-9_./:=,+@%-]+")) return w;
        return "'" + w.replace("'", "'\\''") + "'";
    }
}
