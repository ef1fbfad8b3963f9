package org.jgrad.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hand-written kernels: reads each .ptx family from the jar (org/jgrad/cuda/ptx/), has the
 * driver JIT it once for this context's GPU, and caches the module and its functions. The
 * family and entry names the launchers use are listed in {@link #ENTRIES}; a unit test checks
 * them against the .entry lines of the packaged files.
 */
public final class PtxModules {
    /** Resource folder of the kernels inside the jar. */
    public static final String RESOURCE_DIR = "/org/jgrad/cuda/ptx/";

    /** Family file (without .ptx) to the entry points its launchers call. */
    public static final Map<String, List<String>> ENTRIES = Map.of(
            "elementwise", List.of("ew_binary_f32", "ew_unary_f32", "ew_where_f32"),
            "copy", List.of("copy_strided", "fill_strided"),
            "reduce", List.of("reduce_rows_f32"),
            "wide", List.of("ew_binary_f64", "ew_binary_s64", "ew_unary_f64", "reduce_rows_f64"),
            "nn", List.of("nn_relu_backward_f32", "nn_maxpool_fwd_f32", "nn_maxpool_bwd_f32", "nn_avgpool_fwd_f32",
                    "nn_avgpool_bwd_f32", "nn_upsample_fwd_f32", "nn_upsample_bwd_f32", "nn_channel_partials",
                    "nn_bn_fwd_finalize", "nn_bn_bwd_finalize", "nn_bn_apply", "nn_channel_sum_finalize"),
            "seg_stats", List.of("seg_stats_f32_u8", "seg_stats_f32_s32", "seg_stats_f32_s64", "seg_stats_f32_f32",
                    "seg_scores", "seg_scores_reduce"),
            "confusion", List.of("confusion_logits_f32_u8", "confusion_logits_f32_s32", "confusion_logits_f32_s64",
                    "confusion_labels_u8_u8", "confusion_labels_u8_s32", "confusion_labels_u8_s64",
                    "confusion_labels_s32_u8", "confusion_labels_s32_s32", "confusion_labels_s32_s64",
                    "confusion_labels_s64_u8", "confusion_labels_s64_s32", "confusion_labels_s64_s64", "confusion_scores"),
            "loss", List.of("ce_fwd_f32", "ce_bwd_f32"),
            "optim", List.of("optim_sgd_f32", "optim_adam_f32"));

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$][A-Za-z0-9_$]*)\\s*\\(");

    private final Driver driver;
    private final Map<String, Long> modules = new ConcurrentHashMap<>();
    private final Map<String, Long> functions = new ConcurrentHashMap<>();

    PtxModules(Driver driver) {
        this.driver = driver;
    }

    /** The CUfunction for {@code family/entry}, JIT-compiling the family on first use. The context must be current. */
    long function(String family, String entry) {
        String key = family + "/" + entry;
        Long f = functions.get(key);
        if (f != null) return f;
        synchronized (this) {
            f = functions.get(key);
            if (f != null) return f;
            long module = modules.computeIfAbsent(family, fam -> driver.moduleLoadPtx(fam + ".ptx", readPtx(fam)));
            long fn = driver.moduleGetFunction(module, entry);
            functions.put(key, fn);
            return fn;
        }
    }

    /** The PTX text of a family, as packaged. */
    public static byte[] readPtx(String family) {
        if (family == null || family.isBlank()) throw new IllegalArgumentException("family must name a .ptx file, got '" + family + "'");
        String path = RESOURCE_DIR + family + ".ptx";
        try (InputStream in = PtxModules.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("PTX resource " + path + " is missing from the jgrad-cuda jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read PTX resource " + path + ": " + e.getMessage(), e);
        }
    }

    /** The {@code .entry} names declared in a PTX text, in order. */
    public static List<String> entries(String ptx) {
        List<String> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    public static List<String> entries(byte[] ptx) { return entries(new String(ptx, StandardCharsets.UTF_8)); }

    void unloadAll() {
        for (long m : modules.values()) driver.moduleUnload(m);
        modules.clear();
        functions.clear();
    }
}
