package org.jgrad.examples;

import java.util.Arrays;

/** Entry point of the {@code jgrad} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (CliException e) {
            System.err.println("jgrad: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(usage());
            return 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "demo" -> Demo.run(rest);
            default -> throw new CliException("unknown command '" + args[0] + "'; try: jgrad help");
        };
    }

    static String usage() {
        return """
                jgrad — train and evaluate models on the JVM

                usage: jgrad <command> [options]
                  demo       train a tiny MLP on generated data for a few steps (batch index, loss, accuracy)
                  help       this text
                """;
    }
}
