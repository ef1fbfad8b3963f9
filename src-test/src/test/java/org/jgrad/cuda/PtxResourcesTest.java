package org.jgrad.cuda;

import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.ReduceOp;
import org.jgrad.backend.UnaryOp;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernels travel in the jar, declare the entry points the launchers call, and agree with Java on op codes. */
class PtxResourcesTest {

    @Test
    void everyFamilyIsPackagedWithItsEntries() {
        for (Map.Entry<String, List<String>> e : PtxModules.ENTRIES.entrySet()) {
            byte[] ptx = PtxModules.readPtx(e.getKey());
            String text = new String(ptx, StandardCharsets.UTF_8);
            assertTrue(text.contains(".target sm_80"), e.getKey() + " targets sm_80");
            assertTrue(text.matches("(?s).*\\.version 8\\.\\d.*"), e.getKey() + " declares a PTX 8.x version");
            assertEquals(e.getValue(), PtxModules.entries(ptx), e.getKey() + ".ptx entries");
        }
    }

    @Test
    void entryParsingIgnoresDeviceFunctions() {
        assertEquals(List.of("a", "b_2"), PtxModules.entries(".func (.param .b32 r) f(.param .b32 x)\n.visible .entry a(\n.entry b_2 ("));
    }

    /** "op N NAME" comments of one kernel's header block. */
    private static Map<String, Integer> opsOf(String family, String entry) {
        String text = new String(PtxModules.readPtx(family), StandardCharsets.UTF_8);
        int end = text.indexOf(".entry " + entry);
        int start = text.lastIndexOf("// ------", text.lastIndexOf("// ------", end) - 1);
        if (start < 0) start = 0;
        Map<String, Integer> ops = new HashMap<>();
        Matcher m = Pattern.compile("op (\\d+) ([A-Z_]+)").matcher(text.substring(start, end));
        while (m.find()) ops.put(m.group(2), Integer.parseInt(m.group(1)));
        return ops;
    }

    @Test
    void binaryOpCodesMatchTheKernelsComments() {
        Map<String, Integer> ops = opsOf("elementwise", "ew_binary_f32");
        for (BinaryOp op : BinaryOp.values()) assertEquals(ops.get(op.name()), PtxOps.binary(op), op.name());
        assertEquals(ops.get("RELU_BACKWARD"), PtxOps.RELU_BACKWARD);
    }

    @Test
    void unaryOpCodesMatchTheKernelsComments() {
        Map<String, Integer> ops = opsOf("elementwise", "ew_unary_f32");
        for (UnaryOp op : UnaryOp.values()) assertEquals(ops.get(op.name()), PtxOps.unary(op), op.name());
    }

    @Test
    void reduceOpCodesMatchTheKernelsComments() {
        String text = new String(PtxModules.readPtx("reduce"), StandardCharsets.UTF_8);
        for (ReduceOp op : ReduceOp.values()) {
            assertTrue(text.contains("op " + PtxOps.reduce(op) + " " + op.name()), op.name());
        }
    }
}
