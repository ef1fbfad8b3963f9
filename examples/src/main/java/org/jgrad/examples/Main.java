package org.jgrad.examples;

import java.util.Arrays;

/** Entry point of the {@code jgrad} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true"); // charts and images are drawn off-screen, also without a display
        int code;
        try {
            code = run(args);
        } catch (CliException e) {
            System.err.println("jgrad: " + e.getMessage());
            code = 2;
        } catch (AppException e) {
            System.err.println("jgrad: " + e.getMessage());
            code = 1;
        } catch (OutOfMemoryError e) {
            System.err.println("jgrad: out of memory (Java heap): use a smaller --width or --batch-size, or give Java more heap with JGRAD_JAVA_OPTS=-Xmx8g");
            code = 1;
        } catch (java.io.UncheckedIOException e) {
            System.err.println("jgrad: " + RunFolder.oneLine(e.getCause().getMessage()));
            code = 1;
        } catch (java.io.IOException | RuntimeException e) {
            // bad data (a corrupt IDX file), a failed write: one line; JGRAD_DEBUG=1 shows the stack
            if (System.getenv("JGRAD_DEBUG") != null) e.printStackTrace();
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : RunFolder.oneLine(e.getMessage());
            if (e.getCause() != null && e.getCause().getMessage() != null && !msg.contains(e.getCause().getMessage())) {
                msg += ": " + RunFolder.oneLine(e.getCause().getMessage());
            }
            System.err.println("jgrad: " + msg);
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] args) throws java.io.IOException {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(usage());
            return 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "demo" -> Demo.run(rest);
            case "train", "evaluate", "export" -> {
                Options o = OptionParser.parse(args[0], rest);
                if (o.help) {
                    System.out.println(OptionParser.usage(args[0]));
                    yield 0;
                }
                yield switch (args[0]) {
                    case "train" -> new TrainCommand(o, System.out).run();
                    case "evaluate" -> new Evaluator(o, System.out).run();
                    default -> new ExportCommand(o, System.out).run();
                };
            }
            default -> throw new CliException("unknown command '" + args[0] + "'; try: jgrad help");
        };
    }

    static String usage() {
        return """
                jgrad — train and evaluate models on the JVM

                usage: jgrad <command> [options]
                  train      train a classifier (CNN on Fashion-MNIST) or a segmenter (U-Net on garments);
                             progress per epoch; metrics.json, plots, CSV and TensorBoard logs, checkpoints
                             in a new runs/NAME-NNN (runs/latest points at it) or in --out
                  evaluate   score the latest checkpoint of --out (default runs/latest) on the validation set
                  export     write the latest checkpoint's model of --out as an ONNX file
                  demo       train a tiny MLP on generated data for 60 steps (batch index, loss, accuracy)
                  help       this text

                jgrad train --help lists the options (epochs, batch size, workers, lr, scheduler, data, ...)
                """;
    }
}
