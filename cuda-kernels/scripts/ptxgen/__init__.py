"""jgrad's PTX generator: one emitter (emit, strided, folds, dtypes) and one module per kernel
family. PTX has no templates, so the pieces every kernel repeats (file header, entry
declaration, grid-stride loop, the stride decode over a StridedMeta block, warp and block
folds, loads and stores per dtype) are written once here. The families are listed in FAMILIES;
cuda-kernels/scripts/gen_tensor_ptx.py writes or checks their files."""


def families():
    """File name -> text of every generated PTX file."""
    from . import argreduce, copy, elementwise, gather, philox, reduce, softmax
    return {
        "elementwise.ptx": elementwise.elementwise_file(),
        "copy.ptx": copy.copy_file(),
        "reduce.ptx": reduce.reduce_file(),
        "softmax.ptx": softmax.softmax_file(),
        "argreduce.ptx": argreduce.argreduce_file(),
        "gather.ptx": gather.gather_file(),
        "philox.ptx": philox.philox_file(),
    }
