package org.jgrad.readme;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java blocks of README.md's self-contained sections, read from the file and compiled as
 * printed: the import lines head a class, the other lines become the body of a method. Sections
 * whose blocks continue an earlier example (they use its variables) are not listed here.
 */
class ReadmeCodeBlocksTest {
    static final List<String> SELF_CONTAINED = List.of("## A short tour", "## As a library");

    static Path readme() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("core"))) return p.resolve("README.md");
        }
        throw new AssertionError("README.md not found above " + Path.of("").toAbsolutePath());
    }

    /** The ```java blocks of the section that starts with {@code heading}. */
    static List<String> javaBlocks(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "README has a section " + heading);
        int end = markdown.indexOf("\n## ", start + 1);
        String section = markdown.substring(start, end < 0 ? markdown.length() : end);
        List<String> blocks = new ArrayList<>();
        int i = 0;
        while ((i = section.indexOf("```java\n", i)) >= 0) {
            int close = section.indexOf("\n```", i + 8);
            blocks.add(section.substring(i + 8, close + 1));
            i = close + 4;
        }
        return blocks;
    }

    static String asClass(String name, String block) {
        StringBuilder imports = new StringBuilder(), body = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        return imports + "public class " + name + " {\n  static void run() throws Exception {\n" + body + "  }\n}\n";
    }

    @Test
    void selfContainedJavaBlocksCompileAsPrinted(@TempDir Path out) throws Exception {
        String md = Files.readString(readme());
        List<JavaFileObject> sources = new ArrayList<>();
        int n = 0;
        for (String heading : SELF_CONTAINED) {
            for (String block : javaBlocks(md, heading)) {
                String name = "ReadmeBlock" + (n++);
                String code = asClass(name, block);
                sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) { return code; }
                });
            }
        }
        assertEquals(3, n, "the tour's two blocks and the library example");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "--add-modules", "jdk.incubator.vector",
                "-proc:none", "-d", out.toString());
        boolean ok = javac.getTask(null, null, diagnostics, options, null, sources).call();
        StringBuilder errors = new StringBuilder();
        diagnostics.getDiagnostics().forEach(d -> errors.append(d.getSource() == null ? "" : d.getSource().getName()).append(':')
                .append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n'));
        assertTrue(ok, errors.toString());
    }
}
