package org.jgrad.examples;

import org.jgrad.nn.BatchNorm2d;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.ConvTranspose2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

/** The convolutional networks: the seed's CNN and a small U-Net. */
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

    static Module unet(int w, Generator g) { return new UNet(w, g); }

    /** Two 3x3 convolutions, each followed by batch norm and ReLU (the U-Net block). */
    static Sequential block(int in, int out, Generator g) {
        return new Sequential(new Conv2d(in, out, 3, 1, 1, g), new BatchNorm2d(out), new ReLU(),
                new Conv2d(out, out, 3, 1, 1, g), new BatchNorm2d(out), new ReLU());
    }

    /**
     * A U-Net of depth 2 for one-channel images whose sides are multiples of 4 (48x48 here):
     * encoder w, 2w, bottleneck 4w; transposed-convolution upsampling; skip connections by
     * concatenation; a 1x1 convolution to one logit per pixel.
     */
    static final class UNet extends Module {
        private final Module enc1, enc2, bottom, dec2, dec1, head;
        private final Module pool, up2, up1;

        UNet(int w, Generator g) {
            enc1 = registerModule("enc1", block(1, w, g));
            enc2 = registerModule("enc2", block(w, 2 * w, g));
            bottom = registerModule("bottom", block(2 * w, 4 * w, g));
            up2 = registerModule("up2", new ConvTranspose2d(4 * w, 2 * w, 2, 2, g));
            dec2 = registerModule("dec2", block(4 * w, 2 * w, g));
            up1 = registerModule("up1", new ConvTranspose2d(2 * w, w, 2, 2, g));
            dec1 = registerModule("dec1", block(2 * w, w, g));
            head = registerModule("head", new Conv2d(w, 1, 1, 1, 0, g));
            pool = new MaxPool2d(2);
        }

        @Override
        public Tensor forward(Tensor x) {
            if (x.dim() != 4 || x.size(2) % 4 != 0 || x.size(3) % 4 != 0) {
                throw new IllegalArgumentException("UNet: input must be [N, 1, H, W] with H and W multiples of 4, got "
                        + java.util.Arrays.toString(x.shape()));
            }
            Tensor e1 = enc1.forward(x);
            Tensor e2 = enc2.forward(pool.forward(e1));
            Tensor b = bottom.forward(pool.forward(e2));
            Tensor d2 = dec2.forward(Concat.cat(1, up2.forward(b), e2));
            Tensor d1 = dec1.forward(Concat.cat(1, up1.forward(d2), e1));
            return head.forward(d1);
        }
    }
}
