package org.jgrad.examples;

import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.tensor.Generator;

/**
 * The networks of the app. Weights are drawn from a generator seeded with {@code --seed}, in
 * construction order, so the same seed gives the same initial model.
 */
final class Models {
    private Models() {}

    static Module build(Options o, Generator g) {
        int w = o.effectiveWidth();
        return switch (o.effectiveModel()) {
            case "mlp" -> mlp(w, g);
            case "cnn" -> ConvModels.cnn(w, g);
            case "unet" -> ConvModels.unet(w, g);
            default -> throw new CliException("unknown model '" + o.effectiveModel() + "'");
        };
    }

    /** 784 -> 4w -> 10: a baseline without convolutions (and the fast model of the tests). */
    static Module mlp(int w, Generator g) {
        return new Sequential(new Flatten(), new Linear(28 * 28, 4 * w, g), new ReLU(), new Linear(4 * w, 10, g));
    }
}
