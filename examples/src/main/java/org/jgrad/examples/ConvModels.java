package org.jgrad.examples;

import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.UNet;
import org.jgrad.tensor.Generator;

/** The convolutional networks: the original small CNN and a small U-Net. */
final class ConvModels {
    private ConvModels() {}

    /**
     * conv(w) - ReLU - pool - conv(2w) - ReLU - pool - fc(4w) - ReLU - fc(10) on 1x28x28: the
     * seed's conv32-pool-conv64-pool-fc128-fc10 at w = 32, narrower by default so it trains in
     * minutes on two CPU cores.
     */
    static Module cnn(int w, Generator g) {
        return new Sequential(
                new Conv2d(1, w, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Conv2d(w, 2 * w, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(2 * w * 7 * 7, 4 * w, g), new ReLU(), new Linear(4 * w, 10, g));
    }

    /** The core U-Net at depth 3 (w, 2w, 4w; two poolings), one input channel, one logit per pixel. */
    static Module unet(int w, Generator g) { return new UNet(1, 1, w, 3, g); }
}
