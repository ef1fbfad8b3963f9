package org.jgrad.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The layers, read from the main sources: the backend contract and the backends work on plain
 * data (no Tensor, autograd or ops), the tensor package finds no backend, and the data classes
 * of the tensor package (DType, Device, Storage, View, MemoryStats, Shapes) import nothing above
 * them. Imports and fully qualified names in code count; comments do not.
 */
class LayeringTest {

    /** Front-end names the backend layer must not use: the Tensor class, any class of tensor by wildcard, autograd, ops. */
    private static final Pattern FRONT_END = Pattern.compile(
            "\\borg\\.jgrad\\.(tensor\\.(Tensor\\b|\\*)|autograd\\b|ops\\b)");
    private static final Pattern BACKEND = Pattern.compile("\\borg\\.jgrad\\.backend\\b");
    private static final Pattern ABOVE_DATA = Pattern.compile(
            "\\borg\\.jgrad\\.(tensor\\.(Tensor|Scope|Generator|ValuesIndices)\\b|ops\\b|autograd\\b|backend\\b)");
    private static final Set<String> DATA_CLASSES = Set.of(
            "DType.java", "Device.java", "Storage.java", "View.java", "MemoryStats.java", "Shapes.java");

    @Test
    void backendsSeeDataTensorFindsNoBackendDataClassesStandAlone() {
        List<String> violations = new ArrayList<>();
        for (Path root : mainSourceRoots()) {
            for (Path file : javaFiles(root)) {
                String rel = root.relativize(file).toString().replace('\\', '/');
                violations.addAll(check(root.getParent().getParent().getParent().getFileName().toString(), rel, read(file)));
            }
        }
        if (!violations.isEmpty()) fail("layering violations:\n  " + String.join("\n  ", violations));
    }

    /** {@link #check(String, String, String)} for a file of core, or of cuda-kernels when it is in org.jgrad.cuda. */
    static List<String> check(String rel, String source) {
        return check(rel.startsWith("org/jgrad/cuda/") ? "cuda-kernels" : "core", rel, source);
    }

    /**
     * The violations in one source file of {@code module}, by its path under the source root;
     * empty when it keeps to its layer. Every file of the device module cuda-kernels is backend
     * layer, whatever its package (its process-group engine included).
     */
    static List<String> check(String module, String rel, String source) {
        List<String> out = new ArrayList<>();
        boolean backendLayer = module.equals("cuda-kernels") || rel.startsWith("org/jgrad/backend/");
        if (backendLayer) out.addAll(find(rel, source, FRONT_END, "the backend layer uses the front end"));
        if (rel.startsWith("org/jgrad/tensor/")) {
            String name = rel.substring(rel.lastIndexOf('/') + 1);
            if (DATA_CLASSES.contains(name)) out.addAll(find(rel, source, ABOVE_DATA, "a data class uses a layer above it"));
            else out.addAll(find(rel, source, BACKEND, "the tensor package uses the backend"));
        }
        return out;
    }

    private static List<String> find(String rel, String source, Pattern forbidden, String why) {
        List<String> out = new ArrayList<>();
        String[] lines = withoutComments(source).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = forbidden.matcher(lines[i]);
            if (m.find()) out.add(rel + ":" + (i + 1) + ": " + lines[i].trim() + "   <- " + why);
        }
        return out;
    }

    /** The source with comments blanked out (line breaks kept, so line numbers still match) and string literals left alone. */
    static String withoutComments(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"' ) { // a string or text block: copy as it is
                int end = s.startsWith("\"\"\"", i) ? s.indexOf("\"\"\"", i + 3) + 3 : stringEnd(s, i);
                if (end < i) end = n;
                b.append(s, i, end);
                i = end;
            } else if (c == '\'') {
                int end = stringEnd(s, i, '\'');
                b.append(s, i, end);
                i = end;
            } else if (s.startsWith("//", i)) {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (int k = i; k < end; k++) if (s.charAt(k) == '\n') b.append('\n');
                i = end;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    private static int stringEnd(String s, int start) { return stringEnd(s, start, '"'); }

    private static int stringEnd(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length() && s.charAt(i) != quote && s.charAt(i) != '\n') i += s.charAt(i) == '\\' ? 2 : 1;
        return Math.min(i + 1, s.length());
    }

    private static List<Path> mainSourceRoots() {
        List<Path> roots = new ArrayList<>();
        for (String module : new String[]{"core", "cuda-kernels"}) {
            Path root = Path.of("..", module, "src", "main", "java").toAbsolutePath().normalize();
            assertTrue(Files.isDirectory(root.resolve("org/jgrad")), "main sources of " + module + " not found at " + root
                    + " (this test runs from the src-test module directory)");
            roots.add(root);
        }
        return roots;
    }

    private static List<Path> javaFiles(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ the check itself can fail

    @Test
    void plantedViolationsAreNamedWithFileAndLine() {
        assertEquals(1, check("org/jgrad/backend/CpuNew.java", "package org.jgrad.backend;\nimport org.jgrad.tensor.Tensor;\n").size());
        assertEquals(1, check("org/jgrad/cuda/X.java", "class X {\n  org.jgrad.autograd.Grad g;\n}\n").size());
        assertEquals(1, check("cuda-kernels", "org/jgrad/distributed/nccl/X.java", "import org.jgrad.tensor.Tensor;\n").size());
        assertEquals(1, check("org/jgrad/cuda/X.java", "import org.jgrad.tensor.*;\n").size());
        assertEquals(1, check("org/jgrad/backend/X.java", "import static org.jgrad.ops.Views.view;\n").size());
        assertEquals(1, check("org/jgrad/tensor/Tensor.java", "import org.jgrad.backend.Backend;\n").size());
        assertEquals(1, check("org/jgrad/tensor/Device.java", "import org.jgrad.tensor.Tensor;\n").size());
        assertTrue(check("org/jgrad/tensor/Tensor.java", "import org.jgrad.ops.Views;\n").isEmpty());
        assertTrue(check("org/jgrad/backend/X.java", "import org.jgrad.tensor.View;\nimport org.jgrad.tensor.Storage;\n").isEmpty());
        assertTrue(check("org/jgrad/backend/X.java", "/** Not a {@link org.jgrad.tensor.Tensor}. */\n// org.jgrad.ops\n").isEmpty());
        assertTrue(check("org/jgrad/backend/X.java", "String s = \"//\"; int x;\n").isEmpty());
        String v = check("org/jgrad/backend/X.java", "class X {\n\n  void f(org.jgrad.tensor.Tensor t) {}\n}\n").get(0);
        assertTrue(v.startsWith("org/jgrad/backend/X.java:3: void f(org.jgrad.tensor.Tensor t)"), v);
    }
}
