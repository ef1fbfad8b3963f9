package org.jgrad.examples;

import org.jgrad.nn.Module;
import org.jgrad.tensor.Generator;

/** The convolutional networks; waiting for Conv2d / MaxPool2d / UNet in core. */
final class ConvModels {
    private ConvModels() {}

    static Module cnn(int w, Generator g) {
        throw new CliException("--model cnn needs Conv2d, which this build of jgrad lacks; use --model mlp");
    }

    static Module unet(int w, Generator g) {
        throw new CliException("--model unet needs Conv2d, which this build of jgrad lacks");
    }
}
