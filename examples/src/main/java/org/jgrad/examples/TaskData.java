package org.jgrad.examples;

import org.jgrad.data.Dataset;
import org.jgrad.data.FashionMnist;
import org.jgrad.data.GarmentSegmentation;
import org.jgrad.data.Sample;

/**
 * The training and validation sets of a task: the bundled Fashion-MNIST subset (6,000 / 1,000)
 * or the full set from {@code --data}, and for segmentation the garment set made from them.
 */
record TaskData(Dataset<Sample> train, Dataset<Sample> val, String source) {
    /** Fashion-MNIST's mean and standard deviation of a pixel in [0, 1] (the full training set). */
    static final double MEAN = 0.2860, STD = 0.3530;

    static TaskData load(Options o) {
        FashionMnist tr = o.data == null ? FashionMnist.bundled(true) : FashionMnist.fromFolder(o.data, true);
        FashionMnist te = o.data == null ? FashionMnist.bundled(false) : FashionMnist.fromFolder(o.data, false);
        String from = o.data == null ? "the bundled Fashion-MNIST subset" : "Fashion-MNIST in " + o.data;
        Dataset<Sample> train, val;
        if (o.task == Options.Task.CLASSIFY) {
            train = tr;
            val = te;
        } else {
            // the same construction as GarmentSegmentation.bundled, over whichever source was chosen
            train = new GarmentSegmentation(tr, tr.size(), GarmentSegmentation.DEFAULT_CANVAS, 0x5E6_0001L);
            val = new GarmentSegmentation(te, te.size(), GarmentSegmentation.DEFAULT_CANVAS, 0x5E6_0002L);
            from = "garments on " + GarmentSegmentation.DEFAULT_CANVAS + "x" + GarmentSegmentation.DEFAULT_CANVAS
                    + " cluttered canvases, made from " + from;
        }
        train = Subset.first(train, o.effectiveTrainSamples());
        val = Subset.first(val, o.effectiveValSamples());
        return new TaskData(train, val, from);
    }

    String description() { return source + " (" + train.size() + " training, " + val.size() + " validation samples)"; }
}
