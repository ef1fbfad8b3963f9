package org.jgrad.backend;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend contract stays small and documented: the abstract methods of {@link Backend}
 * (its required primitives, metadata aside) are at most 25, and CONTRACT.md, which the README
 * quotes, lists exactly them.
 */
class ContractSizeTest {
    private static final int MAX_REQUIRED = 25;
    private static final Set<String> METADATA = Set.of("name", "device");

    static Set<String> requiredPrimitives() {
        Set<String> names = new TreeSet<>();
        for (Method m : Backend.class.getDeclaredMethods()) {
            if (Modifier.isAbstract(m.getModifiers()) && !METADATA.contains(m.getName())) {
                assertTrue(names.add(m.getName()), "one method per primitive name (an overload would hide from the count): " + m.getName());
            }
        }
        return names;
    }

    @Test
    void atMost25RequiredPrimitives() {
        Set<String> required = requiredPrimitives();
        assertTrue(required.size() <= MAX_REQUIRED, required.size() + " required primitives: " + required);
    }

    @Test
    void contractMdListsExactlyTheRequiredPrimitives() throws IOException {
        Path md = Path.of("..", "core", "src", "main", "java", "org", "jgrad", "backend", "CONTRACT.md");
        String text = Files.readString(md);
        int start = text.indexOf("## Required primitives"), end = text.indexOf("\n## ", start + 1);
        assertTrue(start >= 0 && end > start, "CONTRACT.md has a 'Required primitives' section followed by another");
        Set<String> listed = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\|\\s*\\d+\\s*\\|\\s*`(\\w+)`").matcher(text.substring(start, end));
        while (m.find()) listed.add(m.group(1));
        assertEquals(requiredPrimitives(), listed, "CONTRACT.md's table against Backend's abstract methods");
        assertTrue(text.contains("**" + listed.size() + " required primitives**"), "CONTRACT.md states the count " + listed.size());
    }
}
